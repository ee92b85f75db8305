"""The faults, injected while declarations flow, and what is checked around each.

Every fault records when it began and when the system was whole again; blocking steps
(stopping a server, waiting for a process) run in threads, so the stream of
declarations never pauses for them.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from ticketing_common.db.engine import asyncpg_dsn

from .servers import PrivatePostgres, PrivateRabbitMQ
from .services import ChaosService, ChaosSystem, Termination, metric_sum


@dataclass(frozen=True)
class FaultRecord:
    what: str
    began: float
    # When everything that was stopped answered again.
    recovered: float
    notes: str = ""


@dataclass
class FaultLog:
    # Where the run's progress is written as it goes (var/failures/<tag>/suite.log).
    path: Path | None = None
    records: list[FaultRecord] = field(default_factory=list)
    # Things the faults showed that must not be: a readiness that stayed 200 with its
    # database away, a SIGTERM that did not end gracefully, ...
    problems: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    @property
    def last_recovered(self) -> float | None:
        return max((record.recovered for record in self.records), default=None)

    def add(self, what: str, began: float, notes: str = "", recovered: float | None = None) -> None:
        record = FaultRecord(what, began, recovered or time.monotonic(), notes)
        self.records.append(record)
        self.note(f"{what}: whole again after {record.recovered - began:.1f} s {notes}")

    def problem(self, what: str) -> None:
        self.problems.append(what)
        self.note(f"PROBLEM {what}")

    def note(self, what: str) -> None:
        if self.path is not None:
            with self.path.open("a") as out:
                out.write(f"{time.monotonic() - self.started:7.1f}s {what}\n")


class MetricsWatch:
    """Reads every running service's metrics every second and keeps each process's
    last reading, so counters of a process that is then killed still count."""

    def __init__(self, system: ChaosSystem, client: httpx.AsyncClient) -> None:
        self._system = system
        self._client = client
        self._last: dict[tuple[str, int], str] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        await self.read_all()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def read_all(self) -> None:
        for service in self._system.services.values():
            pid = service.pid
            if pid is None or not service.running():
                continue
            text = await service.metrics(self._client)
            if text is not None:
                self._last[(service.name, pid)] = text

    async def _run(self) -> None:
        while True:
            await self.read_all()
            await asyncio.sleep(1.0)

    def total(self, metric: str, **labels: str) -> dict[str, float]:
        """The metric summed over every process each service ever ran."""
        totals: dict[str, float] = defaultdict(float)
        for (service, _pid), text in self._last.items():
            totals[service] += metric_sum(text, metric, **labels)
        return dict(totals)


async def _readiness_of_all(
    system: ChaosSystem, client: httpx.AsyncClient
) -> dict[str, int | None]:
    return {name: await service.readiness(client) for name, service in system.services.items()}


async def expect_not_ready(
    system: ChaosSystem, client: httpx.AsyncClient, log: FaultLog, why: str, seconds: float = 15
) -> None:
    """Every service says 503 on /readyz while ``why``."""
    deadline = time.monotonic() + seconds
    states = await _readiness_of_all(system, client)
    while any(state != 503 for state in states.values()):
        if time.monotonic() > deadline:
            log.problem(f"/readyz while {why}: {states} (503 expected)")
            return
        await asyncio.sleep(0.2)
        states = await _readiness_of_all(system, client)


async def broker_outage(
    *,
    rabbitmq: PrivateRabbitMQ,
    system: ChaosSystem,
    client: httpx.AsyncClient,
    log: FaultLog,
    down_seconds: float,
    crash: bool,
) -> None:
    began = time.monotonic()
    log.note("RabbitMQ: " + ("kill" if crash else "stop"))
    await asyncio.to_thread(rabbitmq.kill if crash else rabbitmq.stop)
    await expect_not_ready(system, client, log, "the broker is down")
    await asyncio.sleep(down_seconds)
    log.note("RabbitMQ: start")
    await asyncio.to_thread(rabbitmq.start)
    await system.wait_all_ready(client)
    log.add("RabbitMQ killed" if crash else "RabbitMQ stopped", began, f"down {down_seconds} s")


async def database_outage(
    *,
    postgres: PrivatePostgres,
    system: ChaosSystem,
    client: httpx.AsyncClient,
    log: FaultLog,
    down_seconds: float,
    crash: bool,
    while_down: Callable[[], Awaitable[str]] | None = None,
) -> None:
    """``while_down`` runs once every service says it lost its database: the moment
    every consumer holds what it has in hand."""
    began = time.monotonic()
    log.note("PostgreSQL: " + ("crash" if crash else "stop"))
    await asyncio.to_thread(postgres.stop, "immediate" if crash else "fast")
    await expect_not_ready(system, client, log, "the database is down")
    seen_down = time.monotonic()
    notes = [f"down {down_seconds} s"]
    if while_down is not None:
        notes.append(await while_down())
    await asyncio.sleep(max(0.0, seen_down + down_seconds - time.monotonic()))
    log.note("PostgreSQL: start")
    await asyncio.to_thread(postgres.start)
    await system.wait_all_ready(client)
    log.add("PostgreSQL crashed" if crash else "PostgreSQL stopped", began, "; ".join(notes))


async def database_restart(
    *,
    postgres: PrivatePostgres,
    system: ChaosSystem,
    client: httpx.AsyncClient,
    log: FaultLog,
    databases: Iterable[str],
    failed_requests: Callable[[], Counter[str]],
    after_seconds: float = 3.0,
) -> None:
    """A planned restart while declarations flow: a checkpoint, then a fast stop and a
    start at once, a fraction of a second down; every connection the services pooled
    is then dead. Nothing may be lost. Counted: the requests that failed (a client
    retries them) while it was down and in the ``after_seconds`` after, and the attempts
    the consumers held for the database (retried without counting)."""
    began = time.monotonic()
    pooled = await checkpoint_and_count_sessions(postgres, databases)
    marks = system.log_marks()
    failed_before = Counter(failed_requests())
    log.note(f"PostgreSQL: restart ({pooled} sessions of the services open)")
    stopping = time.monotonic()
    await asyncio.to_thread(postgres.stop, "fast")
    await asyncio.to_thread(postgres.start)
    back = time.monotonic()
    failed_down = Counter(failed_requests())
    await system.wait_all_ready(client)
    recovered = time.monotonic()
    await asyncio.sleep(after_seconds)
    failed_after = Counter(failed_requests())
    held = sum(
        sum(system.logged_since(marks, f"database away, holding the {what}").values())
        for what in ("batch", "message")
    )
    log.add(
        "PostgreSQL restarted",
        began,
        f"down {back - stopping:.1f} s, {pooled} pooled connections closed; requests failed "
        f"(and retried) while it was down {_difference(failed_down, failed_before)}, "
        f"after {_difference(failed_after, failed_down)}; consumers' attempts held for the "
        f"database {held}",
        recovered=recovered,
    )


def _difference(later: Counter[str], earlier: Counter[str]) -> str:
    grown = later - earlier
    return str(dict(sorted(grown.items()))) if grown else "none"


async def checkpoint_and_count_sessions(postgres: PrivatePostgres, databases: Iterable[str]) -> int:
    """A checkpoint, so that the stop's own is short (as before a planned restart); and
    the sessions the services hold open on ``databases``: their pools."""
    connection = await asyncpg.connect(asyncpg_dsn(postgres.server_url), timeout=10)
    try:
        await connection.execute("CHECKPOINT")
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = ANY($1::text[]) AND pid <> pg_backend_pid()",
                list(databases),
            )
        )
    finally:
        await connection.close()


async def kill_and_restart(
    *, service: ChaosService, client: httpx.AsyncClient, log: FaultLog, down_seconds: float
) -> None:
    began = time.monotonic()
    log.note(f"{service.name}: SIGKILL")
    await asyncio.to_thread(service.kill)
    await asyncio.sleep(down_seconds)
    service.start()
    await service.wait_ready(client)
    log.add(f"{service.name} SIGKILL", began)


async def leased_deliveries(notification_database_url: str) -> int:
    """Deliveries a sender claimed and did not finish: what SIGTERM must not leave."""
    connection = await asyncpg.connect(asyncpg_dsn(notification_database_url), timeout=10)
    try:
        columns = {
            row["column_name"]
            for row in await connection.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'deliveries'"
            )
        }
        leased = (
            "claimed_until > now()"
            if "claimed_until" in columns
            # A claim moves next_attempt_at past the lease.
            else "next_attempt_at > now() + interval '5 seconds'"
        )
        return int(
            await connection.fetchval(
                f"SELECT count(*) FROM deliveries WHERE status IN ('pending', 'retrying') "
                f"AND {leased}"
            )
        )
    finally:
        await connection.close()


async def terminate_and_restart(
    *,
    service: ChaosService,
    client: httpx.AsyncClient,
    log: FaultLog,
    notification_database_url: str,
) -> Termination:
    """SIGTERM: the service must finish what it holds and exit cleanly."""
    began = time.monotonic()
    log.note(f"{service.name}: SIGTERM")
    termination = await asyncio.to_thread(service.terminate)
    if not termination.graceful:
        log.problem(
            f"{service.name} after SIGTERM: exit {termination.exit_code}, "
            f"runtime stopped logged: {termination.stopped_logged}\n{service.log_tail(15)}"
        )
    if service.name == "notification":
        leased = await leased_deliveries(notification_database_url)
        if leased:
            log.problem(f"notification left {leased} claimed emails unsent at SIGTERM")
    service.start()
    await service.wait_ready(client)
    log.add(f"{service.name} SIGTERM", began, f"exit in {termination.seconds:.1f} s")
    return termination
