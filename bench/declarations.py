"""Declaring incidents at a fixed rate, and following each to the list and the mailbox.

The sender is open-loop: the i-th POST is due at ``start + i / rate`` whatever the
answers before it, so a slow system gets no breathing space from its client
(no coordinated omission). Every time is measured from the moment the POST was due:
the POST latency, then the row in the list as ``registering``, the row with its
ticket number, and the acknowledgement emails (every recipient's first email naming
the declaration's marker). Between steps the bench waits for the list and the emails
to catch up, so one step's leftovers do not weigh on the next.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench import cpu
from bench.backlog import BacklogSampler
from bench.catalog import EMAILS_PER_DECLARATION, User, declaration_body, utc_now
from bench.dbstats import DatabaseCounters, read_counters
from bench.http_client import HttpError, HttpPool
from bench.observer import ApiSampler, ReadModelObserver, Tracked
from bench.step_result import StepRecord, StepResult, summarize


@dataclass(frozen=True)
class PreparedDeclaration:
    tracked: Tracked
    request: bytes


@dataclass
class DeclarationBench:
    """Everything a step needs: the intake client, the observers, the users."""

    run_id: str
    intake: HttpPool
    observer: ReadModelObserver
    sampler: ApiSampler
    backlog: BacklogSampler
    users: list[User]
    processes: Callable[[], Mapping[str, int | None]]
    drain_seconds: float
    # A connection for reading PostgreSQL's statistics, and the services' databases.
    statistics: asyncpg.Connection[Any] | None = None
    databases: Mapping[str, str] = field(default_factory=dict)
    # notification's database, where every email still to send waits.
    deliveries_dsn: str | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(11))
    by_marker: dict[str, Tracked] = field(default_factory=dict)
    _sequence: int = 0

    async def _counters(self) -> DatabaseCounters | None:
        if self.statistics is None or not self.databases:
            return None
        return await read_counters(self.statistics, self.databases)

    def emails_pending(self) -> int:
        """Emails of earlier steps not arrived yet: still being sent while a step runs."""
        return sum(
            max(0, t.expected_emails - len(t.emails)) for t in self.by_marker.values() if t.accepted
        )

    async def emails_waiting(self) -> int:
        """Every email still to send: the bench's acknowledgements and the emails it does
        not follow (the "registered" ones), read from notification's own table, so that
        a step does not begin behind a backlog the bench cannot see."""
        tracked = self.emails_pending()
        if self.deliveries_dsn is None:
            return tracked
        connection = await asyncpg.connect(self.deliveries_dsn)
        try:
            waiting = await connection.fetchval(
                "SELECT count(*) FROM deliveries WHERE status IN ('pending', 'retrying')"
            )
        finally:
            await connection.close()
        return max(tracked, int(waiting))

    def on_email(self, marker: str, arrived: float, recipient: str) -> None:
        tracked = self.by_marker.get(marker)
        if tracked is not None:
            tracked.emails.setdefault(recipient.lower(), arrived)

    def prepare(self, count: int) -> list[PreparedDeclaration]:
        """Bodies and request bytes built before the step, not while it runs."""
        now = utc_now()
        prepared: list[PreparedDeclaration] = []
        for _ in range(count):
            self._sequence += 1
            marker = f"bench-{self.run_id}-{self._sequence}"
            user = self.users[self._sequence % len(self.users)]
            body = json.dumps(declaration_body(user, marker, self.rng, now)).encode()
            request = self.intake.encode(
                "POST",
                "/v1/declarations",
                headers=[
                    ("Authorization", f"Bearer {user.token}"),
                    ("Content-Type", "application/json"),
                    ("Idempotency-Key", marker),
                ],
                body=body,
            )
            tracked = Tracked(
                marker=marker, token=user.token, due=0.0, expected_emails=EMAILS_PER_DECLARATION
            )
            prepared.append(PreparedDeclaration(tracked, request))
        return prepared

    async def run_step(self, label: str, rate: float, seconds: float) -> StepResult:
        prepared = self.prepare(max(1, round(rate * seconds)))
        emails_pending = await self.emails_waiting()
        for item in prepared:
            self.by_marker[item.tracked.marker] = item.tracked
        errors: Counter[str] = Counter()
        first_error: list[str] = []
        before = cpu.snapshot(self.processes())
        counters_before = await self._counters()
        self.backlog.start()
        start = time.monotonic() + 0.05
        tasks: list[asyncio.Task[None]] = []

        answered = [0]

        async def post(item: PreparedDeclaration) -> None:
            try:
                await send(item)
            except asyncio.CancelledError:
                errors["abandoned after the step stopped"] += 1
                raise
            finally:
                answered[0] += 1

        async def send(item: PreparedDeclaration) -> None:
            tracked = item.tracked
            tracked.sent_at = time.monotonic()
            try:
                response = await self.intake.send(item.request)
            except (HttpError, TimeoutError) as exc:
                tracked.answered_at = time.monotonic()
                errors[type(exc).__name__] += 1
                if not first_error:
                    first_error.append(str(exc))
                return
            tracked.answered_at = time.monotonic()
            tracked.status = response.status
            if response.status != 202:
                errors[str(response.status)] += 1
                if not first_error:
                    first_error.append(response.body.decode(errors="replace")[:500])
                return
            tracked.declaration_id = json.loads(response.body)["declaration_id"]
            self.observer.watch(tracked)
            self.sampler.maybe_follow(tracked)

        aborted: str | None = None
        sent: list[PreparedDeclaration] = []
        for index, item in enumerate(prepared):
            due = start + index / rate
            item.tracked.due = due
            delay = due - time.monotonic()
            if delay > 0.0005:
                await asyncio.sleep(delay)
            aborted = _overwhelmed(index, rate, len(sent) - answered[0], sum(errors.values()))
            if aborted:
                break
            tasks.append(asyncio.create_task(post(item)))
            sent.append(item)
        for item in prepared[len(sent) :]:
            del self.by_marker[item.tracked.marker]
        prepared = sent
        last_due = prepared[-1].tracked.due
        if aborted:
            # The system is far behind: give the POSTs in flight a moment, then stop
            # waiting for them (the client's own timeout would take half a minute).
            _, late = await asyncio.wait(tasks, timeout=ABORT_GRACE_SECONDS)
            for task in late:
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._drain([item.tracked for item in prepared], last_due + self.drain_seconds)
        samples = await self.backlog.stop()
        spent = cpu.snapshot(self.processes()).since(before)
        wall = time.monotonic() - start
        counters = await self._counters()
        database = counters.since(counters_before) if counters and counters_before else {}
        return summarize(
            StepRecord(
                label=label,
                rate=rate,
                seconds=seconds,
                tracked=[item.tracked for item in prepared],
                errors=dict(errors),
                first_error=first_error[0] if first_error else None,
                backlog=samples,
                cpu_seconds=spent,
                start=start,
                wall_seconds=wall,
                aborted=aborted,
                emails_pending_at_start=emails_pending,
                database=database,
            )
        )

    async def _drain(self, tracked: list[Tracked], deadline: float) -> None:
        while time.monotonic() < deadline:
            if all(
                not item.accepted or (item.numbered_at and item.emails_done_at) for item in tracked
            ):
                return
            await asyncio.sleep(0.05)


# A step stops sending when the system is this far behind: more POSTs unanswered than
# this many seconds of arrivals, or more errors than this share. Going on would only
# pile up requests (and disturb whatever else runs on the machine).
ABORT_IN_FLIGHT_SECONDS = 3.0
ABORT_IN_FLIGHT_FLOOR = 100
ABORT_ERROR_SHARE = 0.02
ABORT_ERROR_FLOOR = 20
# After stopping, how long the POSTs in flight may still take before they count as failed.
ABORT_GRACE_SECONDS = 5.0


def _overwhelmed(index: int, rate: float, unanswered: int, errors: int) -> str | None:
    if unanswered > max(ABORT_IN_FLIGHT_FLOOR, rate * ABORT_IN_FLIGHT_SECONDS):
        return f"stopped after {index} POSTs: {unanswered} unanswered"
    if errors > max(ABORT_ERROR_FLOOR, ABORT_ERROR_SHARE * index):
        return f"stopped after {index} POSTs: {errors} failed"
    return None


def bench_process_ids(sink_pid: int | None) -> dict[str, int | None]:
    return {"bench": os.getpid(), "mail sink": sink_pid}
