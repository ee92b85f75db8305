"""The incident list: recent or all, searched by reference or number, filtered, and
kept current by the page's script, which re-reads the rows whenever the live stream
says something changed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from portal.clients.base import JSON, ApiError
from portal.domain.incident_filters import PRIORITIES, STATUSES, ListFilters
from portal.web.pages import Page, SignedInDep

router = APIRouter()


async def _rows(page: Page, filters: ListFilters) -> tuple[list[JSON], str | None, bool]:
    """The rows, the next page's cursor, and whether search refused the filters."""
    try:
        result = await page.portal.upstreams.search.incidents(
            page.token, filters.search_params(datetime.now(UTC))
        )
    except ApiError as exc:
        if exc.status != 422:
            raise
        return [], None, True
    return list(result.get("items", [])), result.get("next_cursor"), False


def _filters(
    view: str, q: str, status: str, contract: str, priority: str, cursor: str
) -> ListFilters:
    return ListFilters.parse(
        view=view, q=q, status=status, contract=contract, priority=priority, cursor=cursor
    )


@router.get("/incidents")
async def incident_list(
    page: SignedInDep,
    view: str = "",
    q: str = "",
    status: str = "",
    contract: str = "",
    priority: str = "",
    cursor: str = "",
    declared: str = "",
) -> Response:
    filters = _filters(view, q, status, contract, priority, cursor)
    intake = page.portal.upstreams.intake
    (rows, next_cursor, refused), contracts = await asyncio.gather(
        _rows(page, filters), intake.contracts(page.token)
    )
    return page.render(
        "incidents.html",
        filters=filters,
        rows=rows,
        next_cursor=next_cursor,
        refused=refused,
        contracts=contracts,
        statuses=STATUSES,
        priorities=PRIORITIES,
        declared=declared[:100],
    )


@router.get("/incidents/rows")
async def incident_rows(
    page: SignedInDep,
    view: str = "",
    q: str = "",
    status: str = "",
    contract: str = "",
    priority: str = "",
    cursor: str = "",
    declared: str = "",
) -> Response:
    """The table's body alone, for the live refresh."""
    filters = _filters(view, q, status, contract, priority, cursor)
    rows, _next_cursor, refused = await _rows(page, filters)
    context: dict[str, Any] = {"rows": rows, "declared": declared[:100], "refused": refused}
    return page.render("partials/incident_rows.html", **context)
