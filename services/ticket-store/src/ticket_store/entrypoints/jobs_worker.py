"""The background worker that runs the ticket jobs every few seconds.

Registered with ``runtime.add_worker``: it runs inside ``serve`` and ``worker``. Several
replicas may run it at once (the jobs claim their tickets). Stopping lets the pass in
hand finish, within the timeout.
"""

from __future__ import annotations

import asyncio
import contextlib

from ticket_store.handlers.ticket_jobs import JobReport, TicketJobs
from ticket_store.metrics import JOB_PASSES
from ticketing_common.db.errors import is_transient_database_error
from ticketing_common.logging import get_logger

log = get_logger(__name__)


class TicketJobsWorker:
    def __init__(self, jobs: TicketJobs, *, interval_seconds: float) -> None:
        self._jobs = jobs
        self._interval = interval_seconds
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # Set after each pass, so a test can wait for one instead of sleeping.
        self.pass_done = asyncio.Event()
        self.last_report: JobReport | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="ticket-jobs")

    def wake(self) -> None:
        """Run a pass now rather than at the next interval."""
        self._wake.set()

    async def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        self._wake.set()
        task, self._task = self._task, None
        if task is None:
            return
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(asyncio.shield(task), timeout=timeout)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                self.last_report = await self._jobs.run_once()
                JOB_PASSES.labels("done").inc()
            except Exception as exc:
                JOB_PASSES.labels("failed").inc()
                level = "warning" if is_transient_database_error(exc) else "error"
                getattr(log, level)("ticket jobs failed", error=str(exc)[:300])
            self.pass_done.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
