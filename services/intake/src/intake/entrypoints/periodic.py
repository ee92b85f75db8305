"""A piece of work repeated at an interval in the background, as a runtime worker."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from ticketing_common.logging import get_logger

log = get_logger(__name__)


class PeriodicWorker:
    """Runs ``work`` at start, then every ``interval_seconds``; a failure is logged and
    the next round comes as planned. ``stop`` lets the round in hand finish."""

    def __init__(
        self, *, name: str, interval_seconds: float, work: Callable[[], Awaitable[object]]
    ) -> None:
        self._name = name
        self._interval = interval_seconds
        self._work = work
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        if self._task is None:
            return
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._task), timeout=timeout)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def run_once(self) -> object:
        """One round, now (the command line's way to run the work)."""
        return await self._work()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.run_once()
            except Exception as exc:
                log.error("periodic work failed", worker=self._name, error=str(exc)[:300])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self._interval)
