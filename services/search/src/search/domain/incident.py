"""One incident as the lists show it, and how two views of it merge.

Events arrive in any order and may arrive twice; the row must end the same whatever
the order. The rule:

- ticket data comes from the highest ticket version seen (version 0 stands for "no
  ticket yet", the declaration's own data);
- ``declared_at`` is filled by whichever event knows it and never erased;
- ``updated_at`` is the latest time a customer may know of: the declaration's time,
  the ticket's creation, and the time of each public change. It is a maximum, so it
  does not depend on the order either, and an internal change (a note between agents)
  never moves an incident up a customer's list.

``adapters/incident_writes.py`` implements exactly this rule as one SQL upsert.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from search.domain.status import IncidentStatus
from ticketing_common.reference import ImpactedUsers, MainUsage, Nature, Priority

# The version of a row built from the declaration alone; tickets start at 1.
NO_TICKET_VERSION = 0


@dataclass(frozen=True)
class IncidentRecord:
    declaration_id: str
    org_id: str
    ticket_number: str | None
    customer_reference: str | None
    description: str
    status: IncidentStatus
    priority: Priority | None
    contract_id: str
    element_id: str
    site_id: str | None
    region: str | None
    nature: Nature
    impacted_users: ImpactedUsers
    main_usage: MainUsage
    occurred_at: datetime
    declared_at: datetime | None
    updated_at: datetime
    ticket_version: int
    priority_overridden: bool = False
    assignee_sub: str | None = None
    assignee_name: str | None = None
    # The ticket's SLA as JSON (TicketSlaV1 dumped), None before the ticket has one.
    sla: dict[str, Any] | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None

    def as_row(self) -> dict[str, Any]:
        # Shallow, unlike dataclasses.asdict: the rebuild makes a million of these.
        return {name: getattr(self, name) for name in _FIELD_NAMES}


_FIELD_NAMES: tuple[str, ...] = tuple(field.name for field in fields(IncidentRecord))

# What a newer ticket version replaces: everything but the key and the two columns
# with rules of their own.
TICKET_FIELDS: tuple[str, ...] = tuple(
    field.name
    for field in fields(IncidentRecord)
    if field.name not in {"declaration_id", "declared_at", "updated_at"}
)


def merge(current: IncidentRecord | None, incoming: IncidentRecord) -> IncidentRecord:
    """The record after ``incoming`` is applied to ``current`` (None: no row yet)."""
    if current is None:
        return incoming
    base = incoming if incoming.ticket_version > current.ticket_version else current
    return replace(
        base,
        declared_at=current.declared_at or incoming.declared_at,
        updated_at=max(current.updated_at, incoming.updated_at),
    )
