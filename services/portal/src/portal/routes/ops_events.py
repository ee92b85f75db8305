"""The live event flow: search's journal of every event that crossed the broker,
filtered by correlation id (one declaration's whole story), type or ticket."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from portal.clients.base import JSON, ApiError
from portal.clients.search import EVENTS
from portal.web.pages import OperationsDep, Page

router = APIRouter()
EVENT_TYPES = ("incident.declared.v1", "ticket.updated.v1")


def _params(correlation_id: str, type: str, ticket: str) -> dict[str, Any]:
    return {
        "correlation_id": correlation_id.strip()[:100],
        "type": type if type in EVENT_TYPES else "",
        "ticket": ticket.strip()[:20],
        "limit": 100,
    }


async def _events(page: Page, params: dict[str, Any]) -> tuple[list[JSON] | None, bool]:
    """The events (None when search keeps no journal yet) and whether it refused the
    filters."""
    search = page.portal.upstreams.search
    if not await search.supports("GET", EVENTS):
        return None, False
    try:
        result = await search.events(page.token, params)
    except ApiError as exc:
        if exc.status != 422:
            raise
        return [], True
    return list(result.get("items", [])), False


@router.get("/ops/events")
async def event_flow(
    page: OperationsDep, correlation_id: str = "", type: str = "", ticket: str = ""
) -> Response:
    params = _params(correlation_id, type, ticket)
    events, refused = await _events(page, params)
    return page.render(
        "ops/events.html",
        events=events,
        refused=refused,
        filters=params,
        event_types=EVENT_TYPES,
    )


@router.get("/ops/events/rows")
async def event_rows(
    page: OperationsDep, correlation_id: str = "", type: str = "", ticket: str = ""
) -> Response:
    events, refused = await _events(page, _params(correlation_id, type, ticket))
    return page.render("partials/event_rows.html", events=events or [], refused=refused)
