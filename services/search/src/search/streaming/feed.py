"""One replica's live view of an append-only table whose ids increase in commit order
(the change log, the journal).

A single listener per replica wakes on ``LISTEN/NOTIFY`` (and polls, in case a
notification was lost while its connection was down), reads what is new once, and hands
each row to the subscribers whose filter accepts it. Every replica runs its own feed,
so a client connected to any replica receives every change, whichever replica's
consumer applied it. A client resuming with ``Last-Event-ID`` is replayed from the
table up to the position where live delivery takes over for it, so nothing is missed
or sent twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from search.metrics import STREAM_LAGGING, STREAM_SUBSCRIBERS
from search.streaming.subscription import Accepts, FeedRow, Subscription
from ticketing_common.db.engine import SessionFactory
from ticketing_common.notified_loop import NotifiedLoop

ReadAfter = Callable[..., Awaitable[list[dict[str, Any]]]]
Head = Callable[[AsyncSession], Awaitable[int]]
Horizon = Callable[[AsyncSession], Awaitable[int]]
Maintenance = Callable[[AsyncSession], Awaitable[None]]

BATCH = 500


class Feed:
    def __init__(
        self,
        *,
        name: str,
        session_factory: SessionFactory,
        dsn: str,
        channel: str,
        id_column: str,
        read_after: ReadAfter,
        head: Head,
        purged_through: Horizon | None = None,
        maintenance: Maintenance | None = None,
        maintenance_every: float = 600.0,
        buffer: int = 1000,
        poll_seconds: float = 1.0,
        gather_seconds: float = 0.0,
    ) -> None:
        self.name = name
        self._session_factory = session_factory
        self._id_column = id_column
        self._read_after = read_after
        self._head = head
        self._purged_through = purged_through
        self._maintenance = maintenance
        self._maintenance_every = maintenance_every
        self._last_maintenance: float | None = None
        self._buffer = buffer
        self._position: int | None = None
        self._ready = asyncio.Event()
        self._subscribers: set[Subscription] = set()
        self._loop = NotifiedLoop(
            name=f"feed-{name}",
            dsn=dsn,
            channel=channel,
            work=self._work,
            poll_seconds=poll_seconds,
            gather_seconds=gather_seconds,
        )

    def start(self) -> None:
        self._loop.start()

    async def stop(self, timeout: float = 30.0) -> None:
        for subscription in list(self._subscribers):
            subscription.close()
        await self._loop.stop(timeout)

    @property
    def position(self) -> int | None:
        return self._position

    async def ready(self) -> None:
        await self._ready.wait()

    def subscribe(self, accepts: Accepts) -> Subscription:
        """Join the live delivery now; call ``ready`` first. No await happens between
        reading the position and registering, so no row falls in between."""
        assert self._position is not None, "the feed is not ready"
        subscription = Subscription(accepts, joined_at=self._position, buffer=self._buffer)
        self._subscribers.add(subscription)
        STREAM_SUBSCRIBERS.labels(self.name).inc()
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscription.close()
        if subscription in self._subscribers:
            self._subscribers.discard(subscription)
            STREAM_SUBSCRIBERS.labels(self.name).dec()

    async def purged_through(self) -> int:
        if self._purged_through is None:
            return 0
        async with self._session_factory() as session:
            return await self._purged_through(session)

    async def replay(
        self, *, after: int, until: int, org_id: str | None = None
    ) -> AsyncIterator[FeedRow]:
        """The rows after ``after`` up to ``until``, from the table, in order."""
        position = after
        while position < until:
            async with self._session_factory() as session:
                rows = await self._read_after(
                    session, position, limit=BATCH, until=until, org_id=org_id
                )
            if not rows:
                return
            for values in rows:
                yield FeedRow(int(values[self._id_column]), values)
            position = int(rows[-1][self._id_column])

    async def _work(self) -> bool:
        async with self._session_factory() as session:
            if self._position is None:
                # Live delivery starts at what exists now; older rows are replayed on
                # request only.
                self._position = await self._head(session)
                self._ready.set()
                return False
            rows = await self._read_after(session, self._position, limit=BATCH)
            await self._maybe_maintain(session)
        for values in rows:
            row = FeedRow(int(values[self._id_column]), values)
            for subscription in list(self._subscribers):
                subscription.offer(row)
            self._position = row.id
        return len(rows) == BATCH

    async def _maybe_maintain(self, session: AsyncSession) -> None:
        if self._maintenance is None:
            return
        now = asyncio.get_running_loop().time()
        if self._last_maintenance is not None and (
            now - self._last_maintenance < self._maintenance_every
        ):
            return
        self._last_maintenance = now
        await self._maintenance(session)
        await session.commit()

    def note_lagging(self) -> None:
        STREAM_LAGGING.labels(self.name).inc()
