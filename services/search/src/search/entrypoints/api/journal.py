"""``/v1/events``: the journal of every event that crossed the broker, for operations,
and its live tail."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sse_starlette import EventSourceResponse, ServerSentEvent

from search.adapters.journal import list_journal
from search.domain.journal_filters import JournalFilters
from search.domain.views import JournalItem
from search.entrypoints.api.journal_filters import JournalWindow, journal_filters, journal_window
from search.entrypoints.api.sse import (
    STREAM_RESPONSES,
    LastEventId,
    event_stream,
    json_event,
    parse_last_event_id,
)
from search.services import Services
from search.streaming.subscription import FeedRow
from ticketing_common.auth.principal import OPERATIONS_ROLES
from ticketing_common.web.access import Scope, access
from ticketing_common.web.dependencies import ReadSession
from ticketing_common.web.paging import (
    DEFAULT_LIMIT,
    Cursor,
    Limit,
    Page,
    decode_cursor,
    encode_cursor,
)
from ticketing_common.web.problems import invalid

router = APIRouter(prefix="/v1/events", tags=["event journal"])

Filters = Annotated[JournalFilters, Depends(journal_filters)]
Window = Annotated[JournalWindow, Depends(journal_window)]


def journal_item(values: Mapping[str, Any]) -> JournalItem:
    envelope = values["envelope"]
    data = envelope.get("data") if isinstance(envelope, Mapping) else None
    return JournalItem(
        position=values["seq"],
        id=values["event_id"],
        type=values["type"],
        source=values["source"],
        time=values["time"],
        subject=values["subject"],
        correlation_id=values["correlation_id"],
        org_id=values["org_id"],
        ticket_number=values["ticket_number"],
        received_at=values["received_at"],
        data=dict(data) if isinstance(data, Mapping) else {},
    )


def _position(cursor: str | None) -> int | None:
    values = decode_cursor(cursor, 1)
    if values is None:
        return None
    [seq] = values
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq < 2**63:
        raise invalid("cursor", "not a cursor of this list", location="query")
    return seq


# Declared before any "/{id}" route a later version adds.
@router.get(
    "/stream",
    **access(OPERATIONS_ROLES, Scope.OPERATIONS),
    response_class=EventSourceResponse,
    responses=STREAM_RESPONSES,
)
async def journal_stream(
    services: Services, filters: Filters, last_event_id: LastEventId = None
) -> EventSourceResponse:
    """Server-Sent Events: each ``event`` as the journal records it (its id is its
    ``position``), with the same filters as the list but time; ``ready`` and ``reset``
    as on ``/v1/incidents/stream``. Reconnect with ``Last-Event-ID`` to resume."""
    resume_after = parse_last_event_id(last_event_id)

    def accepts(row: FeedRow) -> bool:
        return filters.accepts_live(row.values)

    def render(row: FeedRow) -> ServerSentEvent:
        return json_event(
            "event", journal_item(row.values).model_dump(mode="json"), event_id=row.id
        )

    return event_stream(
        services.journal_feed,
        accepts=accepts,
        render=render,
        last_event_id=resume_after,
        settings=services.settings,
        replay_org=filters.org_id,
    )


@router.get("", **access(OPERATIONS_ROLES, Scope.OPERATIONS))
async def list_events(
    session: ReadSession,
    filters: Filters,
    window: Window,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[JournalItem]:
    """In the order the journal recorded them (``order=desc``: newest first)."""
    narrowed = replace(
        filters,
        time_after=window.time_after,
        time_before=window.time_before,
        newest_first=window.newest_first,
    )
    rows = await list_journal(session, narrowed, after_seq=_position(cursor), limit=limit)
    page = rows[:limit]
    return Page[JournalItem](
        items=[journal_item(row) for row in page],
        next_cursor=encode_cursor([page[-1]["seq"]]) if len(rows) > limit else None,
    )
