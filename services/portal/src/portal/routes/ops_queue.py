"""The operations console's queues: tickets by status, priority, assignee and breach.

Read from the ticket store's queue (``GET /v1/tickets``); while a ticket store without
it runs, from search's list, which knows statuses and priorities but not assignees or
breaches (the page says so)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from portal.clients.base import JSON, ApiError
from portal.domain.incident_filters import PRIORITIES
from portal.web.pages import OperationsDep, Page

router = APIRouter()
QUEUE_STATUSES = (
    "new",
    "acknowledged",
    "in_progress",
    "pending_customer",
    "resolved",
    "closed",
    "cancelled",
)
ASSIGNEES = ("", "me", "unassigned")


def _queue_params(
    page: Page, status: str, priority: str, assignee: str, breached: str, org: str, cursor: str
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "status": status,
        "priority": priority,
        "org": org,
        "cursor": cursor,
        "limit": 50,
    }
    if assignee == "me":
        params["assignee"] = page.principal.sub
    elif assignee == "unassigned":
        params["assignee"] = "none"
    if breached in ("true", "false"):
        params["breached"] = breached
    return params


async def _tickets(page: Page, params: dict[str, Any]) -> tuple[list[JSON], str | None, bool]:
    """Rows, next cursor, and whether they come from the ticket store's own queue."""
    upstreams = page.portal.upstreams
    if await upstreams.tickets.supports("GET", "/v1/tickets"):
        result = await upstreams.tickets.queue(page.token, params)
        return list(result.get("items", [])), result.get("next_cursor"), True
    fallback = {k: params.get(k) for k in ("status", "priority", "org", "cursor", "limit")}
    result = await upstreams.search.incidents(page.token, fallback)
    rows = [row for row in result.get("items", []) if row.get("ticket_number")]
    return rows, result.get("next_cursor"), False


@dataclass(frozen=True)
class QueueFilters:
    status: str
    priority: str
    assignee: str
    breached: str
    org: str
    cursor: str

    @classmethod
    def parse(
        cls, status: str, priority: str, assignee: str, breached: str, org: str, cursor: str
    ) -> QueueFilters:
        return cls(
            status=status if status in (*QUEUE_STATUSES, "") else "new",
            priority=priority if priority in PRIORITIES else "",
            assignee=assignee if assignee in ASSIGNEES else "",
            breached=breached if breached in ("true", "false") else "",
            org=org.strip()[:100],
            cursor=cursor[:500],
        )

    @property
    def query(self) -> str:
        values = {
            "status": self.status,
            "priority": self.priority,
            "assignee": self.assignee,
            "breached": self.breached,
            "org": self.org,
        }
        return urlencode({k: v for k, v in values.items() if v})


async def _queue(page: Page, filters: QueueFilters) -> tuple[list[JSON], str | None, bool]:
    params = _queue_params(
        page,
        filters.status,
        filters.priority,
        filters.assignee,
        filters.breached,
        filters.org,
        filters.cursor,
    )
    try:
        return await _tickets(page, params)
    except ApiError as exc:
        if exc.status != 422:
            raise
        return [], None, True


@router.get("/ops")
async def queue(
    page: OperationsDep,
    status: str = "new",
    priority: str = "",
    assignee: str = "",
    breached: str = "",
    org: str = "",
    cursor: str = "",
) -> Response:
    filters = QueueFilters.parse(status, priority, assignee, breached, org, cursor)
    (rows, next_cursor, full_queue), summary = await asyncio.gather(
        _queue(page, filters), page.portal.upstreams.search.summary(page.token)
    )
    counts = summary.get("by_status") if isinstance(summary.get("by_status"), dict) else {}
    return page.render(
        "ops/queue.html",
        rows=rows,
        next_cursor=next_cursor,
        full_queue=full_queue,
        status=filters.status,
        priority=filters.priority,
        assignee=filters.assignee,
        breached=filters.breached,
        query=filters.query,
        statuses=QUEUE_STATUSES,
        priorities=PRIORITIES,
        counts=counts or {},
    )


@router.get("/ops/rows")
async def queue_rows(
    page: OperationsDep,
    status: str = "new",
    priority: str = "",
    assignee: str = "",
    breached: str = "",
    org: str = "",
) -> Response:
    """The queue's rows alone, for the live refresh."""
    filters = QueueFilters.parse(status, priority, assignee, breached, org, "")
    rows, _, _ = await _queue(page, filters)
    return page.render("partials/queue_rows.html", rows=rows)
