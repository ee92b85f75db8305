"""What a caller narrows the incident list (and its summary) to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from search.domain.status import IncidentStatus
from ticketing_common.reference import Priority


@dataclass(frozen=True)
class IncidentFilters:
    # Substring of the ticket number, the customer's reference or the description.
    text: str | None = None
    status: IncidentStatus | None = None
    contract_id: str | None = None
    element_id: str | None = None
    priority: Priority | None = None
    # occurred_from <= occurred_at < occurred_to
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    # Operations only: one organization. A customer naming another one sees nothing.
    org_id: str | None = None
