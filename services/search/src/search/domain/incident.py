"""One incident as the lists show it, and how two views of it merge.

Events arrive in any order and may arrive twice; the row must end the same whatever
the order. The rule: ticket data comes from the highest ticket version seen (version 0
stands for "no ticket yet", the declaration's own data); ``declared_at`` is filled by
whichever event knows it and never erased. The SQL upserts in
``adapters/incident_writes.py`` implement exactly this rule.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
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
    # The time of the latest change: the declaration's while registering, then the ticket's.
    updated_at: datetime
    ticket_version: int

    def as_row(self) -> dict[str, Any]:
        return asdict(self)


def merge(current: IncidentRecord | None, incoming: IncidentRecord) -> IncidentRecord:
    """The record after ``incoming`` is applied to ``current`` (None: no row yet)."""
    if current is None:
        return incoming
    declared_at = current.declared_at or incoming.declared_at
    if incoming.ticket_version > current.ticket_version:
        return replace(incoming, declared_at=declared_at)
    return replace(current, declared_at=declared_at)
