"""The catalog's objects as ``ops:catalog`` writes them, and as callers read them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

from intake.domain.text import AddressText, Identifier, PhoneText, ServiceTypeText, ShortText
from ticketing_common.reference import Language


class ContractStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXPIRED = "expired"


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Region = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,49}$")]


class OrganizationBody(_Body):
    name: ShortText


class ContractBody(_Body):
    org_id: Identifier
    number: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,49}$")]
    label: ShortText
    status: ContractStatus


class ElementBody(_Body):
    contract_id: Identifier
    label: ShortText
    service_type: ServiceTypeText
    regions: list[Region] = Field(max_length=50)

    @model_validator(mode="after")
    def _distinct_regions(self) -> Self:
        if len(set(self.regions)) != len(self.regions):
            raise ValueError("regions must be distinct")
        return self


class SiteBody(_Body):
    org_id: Identifier
    name: ShortText
    address: AddressText
    # Strict: a boolean or a text is not a coordinate (lax mode would read false as 0).
    latitude: float = Field(ge=-90, le=90, strict=True)
    longitude: float = Field(ge=-180, le=180, strict=True)


class ContactBody(_Body):
    org_id: Identifier
    name: ShortText
    email: EmailStr = Field(max_length=320)
    phone: PhoneText | None = None
    language: Language


class OrganizationOut(OrganizationBody):
    id: str


class ContractOut(ContractBody):
    id: str


class ElementOut(ElementBody):
    id: str


class SiteOut(SiteBody):
    id: str


class ContactOut(ContactBody):
    id: str
