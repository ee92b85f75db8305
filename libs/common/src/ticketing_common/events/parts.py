"""Value objects shared by several event models (part of the events' contract)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from ticketing_common.reference import Language


class _Part(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Person(_Part):
    """A user as the identity provider named them."""

    sub: str = Field(max_length=200)
    name: str = Field(max_length=200)
    email: str | None = Field(default=None, max_length=320)


class Recipient(_Part):
    """Somebody who receives emails about an incident, in their language."""

    contact_id: str | None = Field(default=None, max_length=100)
    name: str | None = Field(default=None, max_length=200)
    email: str = Field(max_length=320)
    language: Language


class OnsiteContact(_Part):
    name: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=50)


class ActorKind(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SYSTEM = "system"


class Actor(_Part):
    """Who made a change: a customer, an operations agent, or the system itself."""

    kind: ActorKind
    sub: str | None = Field(default=None, max_length=200)
    name: str | None = Field(default=None, max_length=200)
    # The user's address (their token's ``email``), so notification can spare the
    # author a copy of their own change.
    email: str | None = Field(default=None, max_length=320)
