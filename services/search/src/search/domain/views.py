"""What callers read: a line of the incident list, and the dashboard's counts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from search.domain.status import IncidentStatus
from ticketing_common.reference import Nature, Priority


class IncidentItem(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)

    declaration_id: str
    ticket_number: str | None = Field(description="Null while the declaration is registering.")
    customer_reference: str | None
    status: IncidentStatus
    priority: Priority | None = Field(description="Null while the declaration is registering.")
    org_id: str
    contract_id: str
    element_id: str
    site_id: str | None
    region: str | None
    nature: Nature
    occurred_at: datetime
    updated_at: datetime = Field(description="The time of the latest change; the list's order.")


class IncidentSummary(BaseModel):
    """Counts of the incidents in the caller's scope. Every status and priority is
    present (zero included); an incident without a priority yet or without a site is
    counted in ``total`` and ``by_status`` only."""

    by_status: dict[IncidentStatus, int]
    by_priority: dict[Priority, int]
    by_contract: dict[str, int]
    by_site: dict[str, int]
    total: int
