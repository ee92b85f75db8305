"""Live streams for the pages, relayed with the user's token.

The browser's EventSource cannot send the bearer token, and the token never leaves the
server, so the portal opens the service's stream itself and relays each event as a
``change`` (the page then re-reads what it shows, server-rendered, so the event's own
shape does not matter to it). ``Last-Event-ID`` goes through both ways, so a reconnect
misses nothing. Where a service has no stream yet, the portal polls its list instead
and sends a ``change`` when a row moved. Streams end when the browser leaves or the
server stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from portal.clients.base import ApiError, ServiceUnavailable
from portal.clients.search import EVENT_STREAM, EVENTS, INCIDENT_STREAM
from portal.domain.change_detection import Fingerprint, changed, fingerprint
from portal.domain.sse import ServerEvent, comment, encode, parse_events, retry
from portal.web.pages import OperationsDep, Page, SignedInDep
from ticketing_common.logging import get_logger

router = APIRouter()
log = get_logger("portal.live")
RECONNECT_MILLISECONDS = 3000
STREAM_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


async def _guarded(page: Page, source: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """The source's chunks, heartbeats while it is quiet, and an end when the server
    stops (uvicorn waits for open streams before it can)."""
    settings = page.portal.settings
    stopping = page.portal.stopping
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=100)

    async def pump() -> None:
        try:
            async for chunk in source:
                await queue.put(chunk)
        except (ServiceUnavailable, ApiError) as exc:
            log.info("live source ended", reason=str(exc))
        finally:
            await queue.put(None)

    task = asyncio.create_task(pump())
    stop = asyncio.create_task(stopping.wait())
    try:
        yield retry(RECONNECT_MILLISECONDS)
        while True:
            getter = asyncio.create_task(queue.get())
            done, _ = await asyncio.wait(
                {getter, stop},
                timeout=settings.portal_heartbeat_seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if stop in done:
                getter.cancel()
                return
            if getter not in done:
                getter.cancel()
                yield comment("keep-alive")
                continue
            chunk = getter.result()
            if chunk is None:
                return
            yield chunk
    finally:
        for pending in (task, stop):
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pending


async def _relay(
    open_stream: Callable[[], AbstractAsyncContextManager[httpx.Response]], kind: str
) -> AsyncIterator[bytes]:
    async with open_stream() as response:
        async for event in parse_events(response.aiter_lines()):
            yield encode(ServerEvent(data=event.data, event=kind, id=event.id))


async def _poll(
    read: Callable[[], Awaitable[list[dict[str, object]]]],
    key: str,
    fields: tuple[str, ...],
    kind: str,
    interval: float,
) -> AsyncIterator[bytes]:
    before: Fingerprint | None = None
    while True:
        rows = await read()
        after = fingerprint(rows, key, fields)
        # The first reading is a change too: whatever moved since the page was drawn.
        moved = list(after) if before is None else changed(before, after)
        if moved:
            yield encode(ServerEvent(data=json.dumps({"changed": moved[:50]}), event=kind))
        before = after
        await asyncio.sleep(interval)


def _response(page: Page, source: AsyncIterator[bytes]) -> StreamingResponse:
    return StreamingResponse(
        _guarded(page, source), media_type="text/event-stream", headers=STREAM_HEADERS
    )


@router.get("/live/incidents")
async def incident_changes(request: Request, page: SignedInDep) -> StreamingResponse:
    search = page.portal.upstreams.search
    token = page.token
    last_id = request.headers.get("last-event-id")
    if await search.supports("GET", INCIDENT_STREAM):
        return _response(page, _relay(lambda: search.incident_stream(token, last_id), "change"))

    async def recent() -> list[dict[str, object]]:
        result = await search.incidents(token, {"limit": 50})
        return list(result.get("items", []))

    return _response(
        page,
        _poll(
            recent,
            "declaration_id",
            ("status", "ticket_number", "updated_at", "priority"),
            "change",
            page.portal.settings.portal_poll_seconds,
        ),
    )


@router.get("/live/events")
async def journal_changes(
    request: Request, page: OperationsDep, correlation_id: str = "", type: str = ""
) -> StreamingResponse:
    search = page.portal.upstreams.search
    token = page.token
    last_id = request.headers.get("last-event-id")
    params = {"correlation_id": correlation_id[:100], "type": type[:100]}
    if await search.supports("GET", EVENT_STREAM):
        return _response(
            page, _relay(lambda: search.event_stream(token, last_id, params), "journal")
        )
    if await search.supports("GET", EVENTS):

        async def latest() -> list[dict[str, object]]:
            result = await search.events(token, {**params, "limit": 50})
            return list(result.get("items", []))

        return _response(
            page,
            _poll(latest, "id", ("id",), "journal", page.portal.settings.portal_poll_seconds),
        )

    async def nothing() -> AsyncIterator[bytes]:
        await page.portal.stopping.wait()
        yield b""

    return _response(page, nothing())
