"""The run: declarations flow while every fault strikes; then the system must settle.

1. Declarations start flowing.
2. Each service gets a SIGTERM in turn, and must finish what it holds: a clean exit,
   no email left claimed, and no event done twice afterwards (no duplicate reaches any
   consumer during this phase).
3. Rounds of faults in a random order: RabbitMQ stopped (or killed), PostgreSQL stopped
   (or crashed) with poisons put in the middle of a batch while it is away, PostgreSQL
   restarted at once (every pooled connection dead), each service killed with SIGKILL
   at a random moment, poison messages. While the broker or the database is away,
   every ``/readyz`` must say 503.
4. The stream ends; the suite waits for the system to settle, and judges it.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from aio_pika.abc import AbstractRobustConnection

from ticketing_common.messaging.connection import connect_broker
from ticketing_common.messaging.topology import QueueSpec
from ticketing_devkit.mailcatcher import MailCatcher
from ticketing_devkit.processes import SERVICES

from .batch_poison import FALLBACK, poisoned_batch
from .faults import (
    FaultLog,
    MetricsWatch,
    broker_outage,
    database_outage,
    database_restart,
    kill_and_restart,
    terminate_and_restart,
)
from .observe import backlog, observe
from .poison import ExpectedDeadLetter, Poison, expected_dead_letters, make_poisons, publish
from .profiles import Profile
from .routing import Subscriptions
from .servers import PrivatePostgres, PrivateRabbitMQ
from .services import SENDING_ROUND, ChaosSystem, Termination
from .traffic import DeclarationStream
from .verdict import Promises, Verdict, judge

CONSUMED = "ticketing_events_consumed_total"


@dataclass
class Environment:
    profile: Profile
    postgres: PrivatePostgres
    rabbitmq: PrivateRabbitMQ
    system: ChaosSystem
    catcher: MailCatcher
    database_urls: dict[str, str]
    subscriptions: Subscriptions
    tag: str
    logs: Path


@dataclass
class Report:
    profile: Profile
    tag: str
    logs: Path
    accepted: int = 0
    submitted: int = 0
    attempts: int = 0
    retried: dict[str, int] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    abandoned: int = 0
    faults: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    terminations: dict[str, Termination] = field(default_factory=dict)
    duplicates_after_sigterm: dict[str, float] = field(default_factory=dict)
    duplicates: dict[str, float] = field(default_factory=dict)
    redeliveries: dict[str, float] = field(default_factory=dict)
    dead_lettered: dict[str, float] = field(default_factory=dict)
    poisons: int = 0
    # Valid events published between poisons in one batch, and the batches that failed
    # and fell back to one message at a time, by service (from their logs).
    neighbours: int = 0
    batch_fallbacks: dict[str, int] = field(default_factory=dict)
    notification_kills: int = 0
    database_outages: int = 0
    verdict: Verdict = field(default_factory=Verdict)
    traffic_seconds: float = 0.0
    # The machine's load average (1 min) at the start and the end: figures from a busy
    # machine are not those of a quiet one.
    load: tuple[float, float] = (0.0, 0.0)
    settle_from_last_fault: float | None = None
    settle_from_last_acceptance: float | None = None

    def lines(self) -> list[str]:
        settled = (
            f"settled {self.settle_from_last_fault:.1f} s after the last fault recovered "
            f"({self.settle_from_last_acceptance:.1f} s after the last 202)"
            if self.settle_from_last_fault is not None
            and self.settle_from_last_acceptance is not None
            else f"NOT settled within {self.profile.settle_seconds:.0f} s"
        )
        figures = self.verdict.figures
        return [
            f"failure suite, {self.profile.name} form, seed {self.profile.seed} "
            f"(FAILURE_SUITE_SEED={self.profile.seed} replays it); logs {self.logs}",
            f"  {self.accepted} declarations accepted of {self.submitted} sent in "
            f"{self.traffic_seconds:.0f} s ({self.attempts} requests; retried: "
            f"{dict(sorted(self.retried.items())) or 'none'}; refused {len(self.refused)}, "
            f"abandoned {self.abandoned})",
            f"  faults: {'; '.join(self.faults)}",
            f"  load average {self.load[0]:.1f} at the start, {self.load[1]:.1f} at the end "
            f"({os.cpu_count()} CPUs)",
            f"  {settled}",
            f"  tickets {figures.get('tickets')}, list rows {figures.get('list_rows')}, "
            f"emails {figures.get('emails')} ({figures.get('distinct_emails')} distinct, "
            f"{figures.get('extra_copies')} extra copies, {self.notification_kills} "
            f"notification SIGKILLs, {self.database_outages} database outages), "
            f"dead letters {figures.get('dead_letters')} for "
            f"{self.poisons} poison messages ({figures.get('dead_letter_copies')} extra copies)",
            f"  batches fallen back to one message at a time {self.batch_fallbacks}; "
            f"{figures.get('neighbours')} of {self.neighbours} neighbours of poisons applied",
            f"  redeliveries {_rounded(self.redeliveries)}, duplicates dropped by the inboxes "
            f"{_rounded(self.duplicates)} (after the SIGTERMs: "
            f"{_rounded(self.duplicates_after_sigterm)})",
            "  SIGTERM: "
            + ", ".join(
                f"{name} exit {item.exit_code} in {item.seconds:.1f} s"
                for name, item in self.terminations.items()
            ),
            *(f"  VIOLATION {line}" for line in self.verdict.violations[:40]),
            *(f"  PROBLEM {line}" for line in self.problems),
        ]


def _rounded(values: dict[str, float]) -> dict[str, int]:
    return {name: round(value) for name, value in sorted(values.items())}


def _queues(env: Environment) -> list[QueueSpec]:
    return [spec for spec, _router in env.subscriptions.values()]


async def run_scenario(env: Environment) -> Report:
    profile, system = env.profile, env.system
    rng = random.Random(profile.seed)
    report = Report(profile=profile, tag=env.tag, logs=env.logs)
    load_at_start = os.getloadavg()[0]
    log = FaultLog(path=env.logs / "suite.log")
    log.note(f"{profile}")
    poisons: list[Poison] = []
    neighbours: list[str] = []
    broker = await connect_broker(env.rabbitmq.url, connection_name="failure-suite")
    async with httpx.AsyncClient(timeout=10) as client:
        watch = MetricsWatch(system, client)
        watch.start()
        stream = DeclarationStream(
            system["intake"].url, tag=env.tag, rate_per_second=profile.rate, seed=profile.seed
        )
        stop = asyncio.Event()
        started = time.monotonic()
        traffic = asyncio.create_task(stream.run(stop, profile.minimum, profile.maximum))
        try:
            await asyncio.sleep(3)
            await _sigterm_phase(env, client, log, watch, rng, report)
            for number in range(profile.rounds):
                log.note(f"round {number + 1}; {len(stream.accepted)} accepted so far")
                await _chaos_round(
                    env, client, log, broker, rng, number, stream, poisons, neighbours
                )
            stop.set()
            await traffic
        finally:
            stop.set()
            if not traffic.done():
                traffic.cancel()
        report.traffic_seconds = time.monotonic() - started
        promises = Promises(
            accepted={item.declaration_id: item.recipients for item in stream.accepted},
            dead_letters=_expected(poisons, env.subscriptions),
            allowed_extra_copies=system["notification"].kills * SENDING_ROUND
            + sum(record.what.startswith("PostgreSQL") for record in log.records),
            neighbours=frozenset(neighbours),
        )
        log.note(f"stream ended: {len(stream.accepted)} accepted; settling")
        verdict, settled_at = await _settle(env, client, broker, promises, log)
        await watch.stop()
    await broker.close()

    report.load = (load_at_start, os.getloadavg()[0])
    report.accepted = len(stream.accepted)
    report.submitted = stream.figures.submitted
    report.attempts = stream.figures.attempts
    report.retried = dict(stream.figures.retried)
    report.refused = list(stream.figures.refused)
    report.abandoned = stream.figures.abandoned
    report.faults = [f"{record.what} ({record.notes})" if record.notes else record.what
                     for record in log.records]  # fmt: skip
    report.problems = list(log.problems)
    report.poisons = len(poisons)
    report.neighbours = len(neighbours)
    report.batch_fallbacks = system.logged_since({}, FALLBACK)
    report.notification_kills = system["notification"].kills
    report.database_outages = sum(record.what.startswith("PostgreSQL") for record in log.records)
    report.verdict = verdict
    report.duplicates = watch.total(CONSUMED, outcome="duplicate")
    report.redeliveries = watch.total("ticketing_redeliveries_total")
    report.dead_lettered = watch.total("ticketing_dead_lettered_total")
    last_fault, last_accepted = log.last_recovered, stream.last_accepted_at
    if settled_at is not None and last_fault is not None and last_accepted is not None:
        report.settle_from_last_fault = settled_at - last_fault
        report.settle_from_last_acceptance = settled_at - last_accepted
    return report


async def _sigterm_phase(
    env: Environment,
    client: httpx.AsyncClient,
    log: FaultLog,
    watch: MetricsWatch,
    rng: random.Random,
    report: Report,
) -> None:
    """Nothing else fails meanwhile, so no consumer may see a duplicate: one would be
    a message a stopping service had applied and not acked, or an outbox row it had
    published and not marked."""
    await watch.read_all()
    before = watch.total(CONSUMED, outcome="duplicate")

    async def terminate(name: str, delay: float) -> None:
        await asyncio.sleep(delay)
        report.terminations[name] = await terminate_and_restart(
            service=env.system[name],
            client=client,
            log=log,
            notification_database_url=env.database_urls["notification"],
        )

    names = rng.sample(sorted(env.system.services), len(env.system.services))
    if env.profile.together:
        await asyncio.gather(*(terminate(name, rng.uniform(0.0, 2.0)) for name in names))
    else:
        for name in names:
            await terminate(name, rng.uniform(0.5, 2.0))
    # Time for anything redelivered after the last restart to come through.
    await asyncio.sleep(3)
    await watch.read_all()
    after = watch.total(CONSUMED, outcome="duplicate")
    report.duplicates_after_sigterm = {
        name: after.get(name, 0.0) - before.get(name, 0.0) for name in after
    }
    for name, count in report.duplicates_after_sigterm.items():
        if count:
            log.problem(f"{name} dropped {count:.0f} duplicates after the SIGTERMs")


async def _chaos_round(
    env: Environment,
    client: httpx.AsyncClient,
    log: FaultLog,
    broker: AbstractRobustConnection,
    rng: random.Random,
    number: int,
    stream: DeclarationStream,
    poisons: list[Poison],
    neighbours: list[str],
) -> None:
    profile, system = env.profile, env.system
    search_queue = next(name for name in env.subscriptions if name.startswith("search"))

    async def broker_fault() -> None:
        await broker_outage(
            rabbitmq=env.rabbitmq, system=system, client=client, log=log,
            down_seconds=profile.broker_down_seconds, crash=number % 2 == 1,
        )  # fmt: skip

    async def database_fault() -> None:
        # Poisons between valid events, held with them while the database is away.
        batch = poisoned_batch(f"{env.tag}{number}", queue=search_queue, search=system["search"])

        async def publish_batch() -> str:
            return await batch.publish(broker)

        await database_outage(
            postgres=env.postgres, system=system, client=client, log=log,
            down_seconds=profile.database_down_seconds, crash=number % 2 == 0,
            while_down=publish_batch,
        )  # fmt: skip
        poisons.extend(batch.poisons)
        neighbours.extend(batch.neighbours)
        await batch.confirm_fallback(log)

    async def database_restart_fault() -> None:
        await database_restart(
            postgres=env.postgres, system=system, client=client, log=log,
            databases=SERVICES.values(), failed_requests=lambda: stream.figures.retried,
        )  # fmt: skip

    async def kill(name: str, delay: float) -> None:
        # A random moment: wherever the service happens to be in its work.
        await asyncio.sleep(delay)
        await kill_and_restart(
            service=system[name], client=client, log=log, down_seconds=rng.uniform(0.0, 2.0)
        )

    def killer(name: str) -> Callable[[], Awaitable[None]]:
        async def one() -> None:
            await kill(name, rng.uniform(0.0, 3.0))

        return one

    async def kill_all() -> None:
        await asyncio.gather(
            *(kill(name, rng.uniform(0.0, 6.0)) for name in sorted(system.services))
        )

    async def poison_fault() -> None:
        began = time.monotonic()
        await asyncio.wait_for(broker.connected.wait(), 60)
        batch = make_poisons(f"{env.tag}{number}", search_queue=search_queue)
        for poison in batch:
            await publish(broker, poison)
        poisons.extend(batch)
        log.add("poison messages", began, f"{len(batch)} published")

    kills = [kill_all] if profile.together else [killer(name) for name in sorted(system.services)]
    faults: list[Callable[[], Awaitable[None]]] = [
        broker_fault,
        database_fault,
        database_restart_fault,
        poison_fault,
        *kills,
    ]
    rng.shuffle(faults)
    for fault in faults:
        await fault()
        await asyncio.sleep(rng.uniform(1.0, 3.0))


def _expected(poisons: list[Poison], subscriptions: Subscriptions) -> list[ExpectedDeadLetter]:
    return [item for poison in poisons for item in expected_dead_letters(poison, subscriptions)]


async def _settle(
    env: Environment,
    client: httpx.AsyncClient,
    broker: AbstractRobustConnection,
    promises: Promises,
    log: FaultLog,
) -> tuple[Verdict, float | None]:
    """Judge the system until it is whole or the time is up; when it became whole."""
    deadline = time.monotonic() + env.profile.settle_seconds
    while True:
        try:
            busy = await backlog(
                database_urls=env.database_urls,
                connection=broker,
                specs=_queues(env),
                accepted=len(promises.accepted),
            )
        except Exception as exc:
            busy = f"could not read the system: {exc!r}"
        if busy is not None and time.monotonic() <= deadline:
            log.note(f"not settled yet: {busy}")
            await asyncio.sleep(1.0)
            continue
        try:
            seen = await observe(
                database_urls=env.database_urls,
                search_url=env.system["search"].url,
                catcher=env.catcher,
                connection=broker,
                specs=_queues(env),
                client=client,
            )
        except Exception as exc:
            verdict = Verdict(violations=[f"could not read the system: {exc!r}"])
        else:
            verdict = judge(seen, promises)
        if verdict.settled:
            log.note("settled")
            return verdict, time.monotonic()
        log.note(f"not settled yet: {len(verdict.violations)} violations, first: "
                 f"{verdict.violations[0][:200]}")  # fmt: skip
        if time.monotonic() > deadline:
            return verdict, None
        await asyncio.sleep(1.0)


def new_tag() -> str:
    return uuid.uuid4().hex[:6]
