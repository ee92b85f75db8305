"""What callers read: a line of the incident list, a change on the stream, the
dashboard's figures and a journal entry. What each caller may see of them is decided in
``domain/visibility.py``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from search.domain.status import IncidentStatus
from ticketing_common.reference import ImpactedUsers, MainUsage, Nature, Priority


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class SlaView(_View):
    response_due_at: datetime | None = None
    resolution_due_at: datetime | None = None
    responded_at: datetime | None = None
    paused: bool = Field(default=False, description="The clock stands still (pending customer).")
    response_breached: bool = False
    resolution_breached: bool = False


class AssigneeView(_View):
    name: str | None = Field(description="Null when the provider hides agents' names.")
    sub: str | None = Field(default=None, description="Operations only.")


class IncidentItem(_View):
    declaration_id: str
    ticket_number: str | None = Field(description="Null while the declaration is registering.")
    customer_reference: str | None
    status: IncidentStatus
    priority: Priority | None = Field(description="Null while the declaration is registering.")
    priority_overridden: bool = False
    org_id: str
    contract_id: str
    element_id: str
    site_id: str | None
    region: str | None
    nature: Nature
    impacted_users: ImpactedUsers
    main_usage: MainUsage
    occurred_at: datetime
    declared_at: datetime | None = Field(
        default=None, description="Null only for a moment, if the ticket is known first."
    )
    updated_at: datetime = Field(
        description="The time of the latest change the customer may see; the list's order."
    )
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    sla: SlaView | None = None
    assignee: AssigneeView | None = None


class ActorView(_View):
    kind: str | None
    name: str | None
    sub: str | None = Field(default=None, description="Operations only.")


class ChangeView(_View):
    kind: str
    public: bool
    at: datetime
    actor: ActorView
    action: str | None = None
    from_status: str | None = None
    to_status: str | None = None
    from_priority: str | None = None
    to_priority: str | None = None
    comment: str | None = None
    reason: str | None = None


class IncidentChanged(_View):
    """The data of an ``incident`` message on ``/v1/incidents/stream``."""

    incident: IncidentItem
    change: ChangeView


class SiteFigures(_View):
    """One site of the map: where it is and what happens there."""

    site_id: str
    name: str | None = Field(description="Null if no declaration described the site yet.")
    latitude: float | None
    longitude: float | None
    incidents: int
    open: int = Field(description="Registering, new, acknowledged, in progress or pending.")
    highest_open_priority: Priority | None = Field(
        description="The highest priority among the open incidents (P1 is the highest)."
    )


class IncidentSummary(_View):
    """Counts of the incidents in the caller's scope and filters. Every status and
    priority is present (zero included); an incident without a priority yet or without a
    site is counted in ``total`` and ``by_status`` only."""

    by_status: dict[IncidentStatus, int]
    by_priority: dict[Priority, int]
    by_contract: dict[str, int]
    by_site: dict[str, int]
    total: int
    open: int
    sites: list[SiteFigures] = Field(description="The map: by_site with coordinates.")


class JournalItem(_View):
    position: int = Field(description="The order the journal recorded it in; the stream's id.")
    id: str
    type: str
    source: str
    time: datetime
    subject: str | None
    correlation_id: str
    org_id: str | None
    ticket_number: str | None
    received_at: datetime
    data: dict[str, Any]
