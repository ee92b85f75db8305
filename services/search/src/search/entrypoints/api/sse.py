"""Server-Sent Events over a feed: resume with ``Last-Event-ID``, heartbeats, a
bounded lifetime, and an end when the server shuts down (sse-starlette watches for it,
so a stream never holds a graceful shutdown back).

Each stream sends, in order: a ``reset`` message if what the client missed can no
longer be replayed (it should reload its list); the missed messages if it resumed;
a ``ready`` message whose id is where live delivery starts (a client that reconnects
after it resumes from there); then each message as it happens, with its id.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import Header
from sse_starlette import EventSourceResponse, ServerSentEvent

from search.domain.resume import ResumeKind, resume_plan
from search.settings import SearchSettings
from search.streaming.feed import Feed
from search.streaming.subscription import Accepts, FeedRow, Lagging
from ticketing_common.web.problems import invalid

LAST_EVENT_ID = "Last-Event-ID"
_ID = re.compile(r"\d{1,18}")

LastEventId = Annotated[
    str | None,
    Header(
        alias=LAST_EVENT_ID,
        description="The id of the last message received: the stream resumes after it.",
    ),
]

Render = Callable[[FeedRow], ServerSentEvent | None]

# What the OpenAPI document says a stream answers.
STREAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
        "description": "Server-Sent Events.",
    }
}


def parse_last_event_id(value: str | None) -> int | None:
    """The id to resume after; 422 naming the header when it is not one of ours."""
    if value is None or not value.strip():
        return None
    if not _ID.fullmatch(value.strip()):
        raise invalid(LAST_EVENT_ID, "not an id of this stream", location="header")
    return int(value.strip())


def json_event(event: str, data: Any, *, event_id: int | None = None) -> ServerSentEvent:
    return ServerSentEvent(
        data=json.dumps(data, separators=(",", ":"), ensure_ascii=False),
        event=event,
        id=str(event_id) if event_id is not None else None,
    )


def event_stream(
    feed: Feed,
    *,
    accepts: Accepts,
    render: Render,
    last_event_id: int | None,
    settings: SearchSettings,
    replay_org: str | None = None,
) -> EventSourceResponse:
    return EventSourceResponse(
        _messages(
            feed,
            accepts=accepts,
            render=render,
            last_event_id=last_event_id,
            settings=settings,
            replay_org=replay_org,
        ),
        ping=settings.stream_heartbeat_seconds,
        ping_message_factory=lambda: ServerSentEvent(comment="keep-alive"),
        # A client that stops reading is dropped rather than held forever.
        send_timeout=30,
        headers={"Cache-Control": "no-store"},
    )


async def _messages(
    feed: Feed,
    *,
    accepts: Accepts,
    render: Render,
    last_event_id: int | None,
    settings: SearchSettings,
    replay_org: str | None,
) -> AsyncIterator[ServerSentEvent]:
    await feed.ready()
    subscription = feed.subscribe(accepts)
    try:
        plan = resume_plan(
            last_event_id, purged_through=await feed.purged_through(), head=subscription.joined_at
        )
        if plan.kind is ResumeKind.RESET:
            yield json_event("reset", {"reason": "missed changes cannot be replayed"})
        elif plan.kind is ResumeKind.REPLAY:
            async for missed in feed.replay(after=plan.after, until=plan.until, org_id=replay_org):
                if accepts(missed) and (message := render(missed)) is not None:
                    yield message
        ready = json_event("ready", {}, event_id=subscription.joined_at)
        ready.retry = settings.stream_retry_milliseconds
        yield ready
        loop = asyncio.get_running_loop()
        deadline = loop.time() + settings.stream_max_seconds
        while (remaining := deadline - loop.time()) > 0:
            try:
                row = await subscription.next(timeout=remaining)
            except Lagging:
                feed.note_lagging()
                return
            if row is not None and (message := render(row)) is not None:
                yield message
    finally:
        feed.unsubscribe(subscription)
