"""What a caller narrows the incident list (and its summary and cursor) to."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from search.domain.status import IncidentStatus
from ticketing_common.reference import Priority

# "Recent incidents": those with a change in the last week (declared, or moved on by
# the agent or the customer), as the customer space's home page shows them.
RECENT = timedelta(days=7)


@dataclass(frozen=True)
class IncidentFilters:
    # Words of the reference or description, or part of the reference or ticket number.
    text: str | None = None
    # Each filter with several values keeps an incident matching any of them; empty: any.
    statuses: frozenset[IncidentStatus] = frozenset()
    # True: still open (registering to pending customer); False: resolved or ended.
    open: bool | None = None
    contract_ids: frozenset[str] = frozenset()
    element_ids: frozenset[str] = frozenset()
    site_ids: frozenset[str] = frozenset()
    priorities: frozenset[Priority] = frozenset()
    # occurred_from <= occurred_at < occurred_to
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    # A change in the last RECENT, counted from the request's time.
    recent: bool = False
    # Operations only: one organization. A customer naming another one sees nothing.
    org_id: str | None = None

    @property
    def searches_text(self) -> bool:
        return self.text is not None and bool(self.text.strip())

    def fingerprint(self) -> str:
        """A short digest of the query, carried by its cursors: a cursor is refused by
        another query, where its position would mean nothing."""
        canonical = {
            "text": self.text.strip() if self.text else None,
            "statuses": sorted(self.statuses),
            "open": self.open,
            "contracts": sorted(self.contract_ids),
            "elements": sorted(self.element_ids),
            "sites": sorted(self.site_ids),
            "priorities": sorted(self.priorities),
            "from": self.occurred_from.isoformat() if self.occurred_from else None,
            "to": self.occurred_to.isoformat() if self.occurred_to else None,
            "recent": self.recent,
            "org": self.org_id,
        }
        digest = hashlib.sha256(json.dumps(canonical, sort_keys=True).encode())
        return digest.hexdigest()[:16]


def recent_since(now: datetime) -> datetime:
    return now - RECENT
