"""What operations narrow the event journal (and its live tail) to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class JournalFilters:
    # Every event of the declaration that became this ticket (they share its
    # correlation id), the incident.declared before the ticket existed included.
    ticket_number: str | None = None
    types: frozenset[str] = frozenset()
    correlation_id: str | None = None
    org_id: str | None = None
    # On the event's own time: after <= time < before.
    time_after: datetime | None = None
    time_before: datetime | None = None
    newest_first: bool = False

    def accepts_live(self, entry: Mapping[str, Any]) -> bool:
        """The same filters, applied to an entry arriving on the live tail (the ticket
        filter there matches the entries that name the ticket)."""
        wanted = {
            "correlation_id": self.correlation_id,
            "org_id": self.org_id,
            "ticket_number": self.ticket_number,
        }
        if self.types and entry["type"] not in self.types:
            return False
        return all(value is None or entry[key] == value for key, value in wanted.items())
