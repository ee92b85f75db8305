"""The incident list's filters as the page's query string, and as search's parameters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import urlencode

STATUSES: Final = (
    "registering",
    "new",
    "acknowledged",
    "in_progress",
    "pending_customer",
    "resolved",
    "closed",
    "cancelled",
)
PRIORITIES: Final = ("P1", "P2", "P3", "P4")
RECENT_DAYS: Final = 7
PAGE_SIZE: Final = 25


@dataclass(frozen=True)
class ListFilters:
    view: str = "recent"
    q: str = ""
    status: str = ""
    contract: str = ""
    priority: str = ""
    cursor: str = ""

    @classmethod
    def parse(
        cls,
        *,
        view: str = "",
        q: str = "",
        status: str = "",
        contract: str = "",
        priority: str = "",
        cursor: str = "",
    ) -> ListFilters:
        """Unknown values are dropped rather than refused: a list is always shown."""
        return cls(
            view=view if view in ("recent", "all") else "recent",
            q=q.strip()[:200],
            status=status if status in STATUSES else "",
            contract=contract.strip()[:100],
            priority=priority if priority in PRIORITIES else "",
            cursor=cursor[:500],
        )

    def search_params(self, now: datetime) -> dict[str, Any]:
        params: dict[str, Any] = {
            "q": self.q,
            "status": self.status,
            "contract": self.contract,
            "priority": self.priority,
            "cursor": self.cursor,
            "limit": PAGE_SIZE,
        }
        # A search by reference or number looks everywhere, whatever the tab.
        if self.view == "recent" and not self.q:
            params["from"] = (now - timedelta(days=RECENT_DAYS)).isoformat()
        return {key: value for key, value in params.items() if value}

    def query(self, **changes: str) -> str:
        values = {
            "view": self.view,
            "q": self.q,
            "status": self.status,
            "contract": self.contract,
            "priority": self.priority,
            **changes,
        }
        return urlencode({key: value for key, value in values.items() if value})
