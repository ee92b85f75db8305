"""Run a piece of work when PostgreSQL says there is some, and at least every few seconds.

The work wakes on ``LISTEN/NOTIFY`` for low latency and falls back to polling, so a
notification lost while the listening connection was down only delays the work.
The work returns whether it found a full batch, in which case it runs again at once.

With ``gather_seconds``, a wake-up waits that long before the work runs, so that the
rows written meanwhile go in the same batch: a batch's fixed cost (its transaction and
statements, several times one row's) is paid once for them all instead of once per row.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from ticketing_common.db.errors import is_transient_database_error
from ticketing_common.logging import get_logger

log = get_logger(__name__)


class NotifiedLoop:
    def __init__(
        self,
        *,
        name: str,
        dsn: str,
        channel: str,
        work: Callable[[], Awaitable[bool]],
        poll_seconds: float = 1.0,
        max_backoff_seconds: float = 5.0,
        gather_seconds: float = 0.0,
    ) -> None:
        self._name = name
        self._dsn = dsn
        self._channel = channel
        self._work = work
        self._poll_seconds = poll_seconds
        self._max_backoff = max_backoff_seconds
        self._gather = gather_seconds
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._stopping.clear()
        self._tasks = [
            asyncio.create_task(self._listen(), name=f"{self._name}-listen"),
            asyncio.create_task(self._run(), name=f"{self._name}-run"),
        ]

    def wake(self) -> None:
        self._wake.set()

    async def stop(self, timeout: float = 30.0) -> None:
        """Finish the batch in hand, then stop."""
        self._stopping.set()
        self._wake.set()
        if not self._tasks:
            return
        run, listen = self._tasks[1], self._tasks[0]
        listen.cancel()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(asyncio.shield(run), timeout=timeout)
        run.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(run, listen, return_exceptions=True)
        self._tasks = []

    async def _run(self) -> None:
        backoff = 0.1
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                more = await self._work()
                backoff = 0.1
            except Exception as exc:
                level = "warning" if is_transient_database_error(exc) else "error"
                getattr(log, level)("background work failed", loop=self._name, error=str(exc)[:300])
                more = False
                await self._sleep(backoff)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            if more:
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)
            except TimeoutError:
                continue
            if self._gather > 0:
                await self._sleep(self._gather)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    async def _listen(self) -> None:
        backoff = 0.2
        while not self._stopping.is_set():
            connection: asyncpg.Connection[Any] | None = None
            try:
                connection = await asyncpg.connect(self._dsn, timeout=10)
                lost = asyncio.Event()
                connection.add_termination_listener(_setter(lost))
                await connection.add_listener(self._channel, self._on_notify)
                backoff = 0.2
                # Something may have been written while we were not listening.
                self._wake.set()
                while not lost.is_set() and not connection.is_closed():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), timeout=5.0)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.info("listener connection failed", loop=self._name, error=str(exc)[:200])
            finally:
                if connection is not None and not connection.is_closed():
                    with contextlib.suppress(Exception):
                        await connection.close(timeout=2)
            await self._sleep(backoff)
            backoff = min(backoff * 2, self._max_backoff)

    def _on_notify(self, *_args: object) -> None:
        self._wake.set()


def _setter(event: asyncio.Event) -> Callable[[object], None]:
    def set_event(_connection: object) -> None:
        event.set()

    return set_event
