"""``incident.declared.v1``: a customer's declaration, accepted by intake."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from ticketing_common.events.envelope import EventData
from ticketing_common.events.parts import OnsiteContact, Person, Recipient
from ticketing_common.reference import ImpactedUsers, MainUsage, Nature


class DeclaredSiteV1(BaseModel):
    """The impacted site as the catalog described it when the incident was declared:
    enough for a consumer to place the incident on a map without asking intake."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(max_length=200)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


class IncidentDeclaredV1(EventData):
    event_type: ClassVar[str] = "incident.declared.v1"
    routing_key: ClassVar[str] = "incident.declared"

    declaration_id: str = Field(max_length=100)
    org_id: str = Field(max_length=100)
    declared_by: Person
    declared_at: datetime
    contract_id: str = Field(max_length=100)
    element_id: str = Field(max_length=100)
    region: str | None = Field(default=None, max_length=100)
    nature: Nature
    impacted_users: ImpactedUsers
    main_usage: MainUsage
    occurred_at: datetime
    customer_reference: str | None = Field(default=None, max_length=200)
    description: str = Field(max_length=10000)
    attachment_ids: list[str] = Field(default_factory=list)
    site_id: str | None = Field(default=None, max_length=100)
    # Optional (added compatibly): the site named by site_id, as the catalog had it.
    site: DeclaredSiteV1 | None = None
    onsite_contact: OnsiteContact | None = None
    interlocutor: Recipient
    notify: list[Recipient] = Field(default_factory=list)
