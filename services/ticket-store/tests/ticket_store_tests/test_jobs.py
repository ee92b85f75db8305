"""The periodic jobs against a database of their own, with a clock the tests move:
SLA breaches, pauses, auto-close, several replicas at once, the worker and the CLI."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from ticket_store.adapters.tables import Ticket
from ticket_store.bootstrap import build_runtime
from ticket_store.domain.actors import Actor, ActorRole
from ticket_store.domain.comments import Visibility, add_comment
from ticket_store.domain.lifecycle import Action
from ticket_store.domain.sla import DEFAULT_POLICY
from ticket_store.domain.transitions import transition
from ticket_store.domain.work import Outcome, TicketWork
from ticket_store.entrypoints.jobs_worker import TicketJobsWorker
from ticket_store.handlers.ticket_changes import ChangeRequest, change_ticket
from ticket_store.handlers.ticket_jobs import TicketJobs
from ticket_store.runtime import MIGRATIONS, TicketStoreRuntime
from ticket_store.settings import TicketStoreSettings
from ticketing_common.db.engine import create_engine, create_session_factory
from ticketing_common.db.migrations import upgrade_to_head_async
from ticketing_devkit.pytest_plugin import MakeDatabase

from .support import MovableClock, events_of, history_of, new_ticket, ticket_row

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
AGENT = Actor(ActorRole.AGENT, sub="u-ops-sam", name="Sam Agent")
CUSTOMER = Actor(ActorRole.CUSTOMER, sub="u-acme-claire", name="Claire Dubois")


@pytest.fixture(scope="module")
def jobs_clock() -> MovableClock:
    return MovableClock()


@pytest.fixture(scope="module")
async def jobs_store(
    make_database: MakeDatabase, jobs_clock: MovableClock
) -> AsyncIterator[TicketStoreRuntime]:
    url = await make_database("tickets_jobs")
    await upgrade_to_head_async(MIGRATIONS, url)
    settings = TicketStoreSettings(database_url=url, run_workers=False, jobs_batch_size=7)
    runtime = build_runtime(settings, clock=jobs_clock)
    yield runtime
    await runtime.engine.dispose()


@pytest.fixture
async def store(jobs_store: TicketStoreRuntime, jobs_clock: MovableClock) -> TicketStoreRuntime:
    """The jobs' database, emptied: each test counts exactly what it made."""
    async with jobs_store.session_factory.begin() as session:
        await session.execute(text("TRUNCATE ticket_history, tickets, outbox"))
    jobs_clock.set(T0)
    return jobs_store


async def act(
    store: TicketStoreRuntime, number: str, decide: Callable[[TicketWork, datetime], Outcome]
) -> None:
    """A change as an HTTP request makes it (breaches first), without the HTTP."""
    await change_ticket(
        store.session_factory,
        store.desk,
        ChangeRequest(
            ticket_number=number,
            may_see=lambda _ticket: True,
            versions=None,
            version_required=False,
            precheck=lambda: None,
            decide=decide,
        ),
    )


def doing(action: Action, actor: Actor = AGENT, **inputs: Any) -> Callable[..., Outcome]:
    def decide(work: TicketWork, at: datetime) -> Outcome:
        return transition(work, action, actor, at=at, policy=DEFAULT_POLICY, **inputs)

    return decide


def answering(body: str) -> Callable[..., Outcome]:
    def decide(work: TicketWork, at: datetime) -> Outcome:
        return add_comment(work, CUSTOMER, body, Visibility.PUBLIC, at=at, policy=DEFAULT_POLICY)

    return decide


def kinds(events: list[dict[str, Any]]) -> list[tuple[str, str | None, bool]]:
    return [
        (e["data"]["change"]["kind"], e["data"]["change"]["action"], e["data"]["change"]["public"])
        for e in events
    ]


async def test_breaches_are_flagged_once_when_due_times_pass(
    store: TicketStoreRuntime, jobs_clock: MovableClock
) -> None:
    number = await new_ticket(store.session_factory, store.desk)  # P1: 30 min / 4 h
    jobs_clock.set(T0 + timedelta(minutes=29, seconds=59))
    assert await store.jobs.flag_breaches() == 0
    jobs_clock.set(T0 + timedelta(minutes=30))
    assert await store.jobs.flag_breaches() == 1
    assert await store.jobs.flag_breaches() == 0
    jobs_clock.set(T0 + timedelta(hours=4))
    assert await store.jobs.flag_breaches() == 1
    jobs_clock.set(T0 + timedelta(days=9))
    assert await store.jobs.flag_breaches() == 0
    events = await events_of(store.session_factory, number)
    assert kinds(events)[1:] == [
        ("sla_breached", "response_breached", False),
        ("sla_breached", "resolution_breached", False),
    ]
    assert [e["data"]["version"] for e in events] == [1, 2, 3]
    assert events[1]["data"]["change"]["actor"]["kind"] == "system"
    sla = events[2]["data"]["ticket"]["sla"]
    assert (sla["response_breached"], sla["resolution_breached"]) == (True, True)
    history = await history_of(store.session_factory, number)
    assert [(h.kind, h.public, h.actor_kind) for h in history[1:]] == [
        ("sla_breached", False, "system"),
        ("sla_breached", False, "system"),
    ]
    row = await ticket_row(store.session_factory, number)
    assert row.response_breached_at == T0 + timedelta(minutes=30)
    assert row.resolution_breached_at == T0 + timedelta(hours=4)


async def test_a_ticket_waiting_for_the_customer_does_not_breach(
    store: TicketStoreRuntime, jobs_clock: MovableClock
) -> None:
    number = await new_ticket(store.session_factory, store.desk)
    jobs_clock.set(T0 + timedelta(minutes=10))
    await act(store, number, doing(Action.REQUEST_INFO, comment="Which site?"))
    jobs_clock.set(T0 + timedelta(days=3))
    assert await store.jobs.flag_breaches() == 0
    await act(store, number, answering("Lyon."))
    row = await ticket_row(store.session_factory, number)
    assert row.status == "in_progress"
    waited = timedelta(days=3) - timedelta(minutes=10)
    assert row.sla_paused_total == waited
    assert row.resolution_due_at == T0 + timedelta(hours=4) + waited
    assert row.sla_paused_since is None
    jobs_clock.set(row.resolution_due_at - timedelta(seconds=1))
    assert await store.jobs.flag_breaches() == 0
    jobs_clock.set(row.resolution_due_at)
    assert await store.jobs.flag_breaches() == 1
    # The response was given at 10 minutes: never breached.
    assert (await ticket_row(store.session_factory, number)).response_breached_at is None


async def test_a_late_action_records_the_breach_before_itself(
    store: TicketStoreRuntime, jobs_clock: MovableClock
) -> None:
    number = await new_ticket(store.session_factory, store.desk)
    jobs_clock.set(T0 + timedelta(minutes=50))
    await act(store, number, doing(Action.ACKNOWLEDGE))
    events = await events_of(store.session_factory, number)
    assert kinds(events) == [
        ("created", None, True),
        ("sla_breached", "response_breached", False),
        ("status_changed", "acknowledge", True),
    ]
    assert await store.jobs.flag_breaches() == 0


async def test_resolved_tickets_left_alone_are_closed(
    store: TicketStoreRuntime, jobs_clock: MovableClock
) -> None:
    after = store.desk.auto_close_after
    assert after == timedelta(days=5)
    alone = await new_ticket(store.session_factory, store.desk)
    talked = await new_ticket(store.session_factory, store.desk)
    open_one = await new_ticket(store.session_factory, store.desk)
    jobs_clock.set(T0 + timedelta(hours=1))
    for number in (alone, talked):
        await act(store, number, doing(Action.RESOLVE, comment="Fixed."))
    jobs_clock.set(T0 + timedelta(hours=1, days=3))
    await act(store, talked, answering("Thanks, checking on our side."))
    jobs_clock.set(T0 + timedelta(hours=1) + after - timedelta(seconds=1))
    assert await store.jobs.close_resolved() == 0
    jobs_clock.set(T0 + timedelta(hours=1) + after)
    assert await store.jobs.close_resolved() == 1
    assert await store.jobs.close_resolved() == 0
    closed = await ticket_row(store.session_factory, alone)
    assert (closed.status, closed.closed_at) == ("closed", T0 + timedelta(hours=1) + after)
    assert closed.resolved_at == T0 + timedelta(hours=1)
    assert (await ticket_row(store.session_factory, talked)).status == "resolved"
    assert (await ticket_row(store.session_factory, open_one)).status == "new"
    [entry] = [h for h in await history_of(store.session_factory, alone) if h.to_status == "closed"]
    assert (entry.public, entry.actor_kind, entry.action) == (True, "system", "auto_close")
    event = (await events_of(store.session_factory, alone))[-1]["data"]
    assert (event["change"]["action"], event["change"]["public"]) == ("auto_close", True)
    assert event["change"]["actor"]["kind"] == "system"
    assert event["ticket"]["closed_at"] is not None
    # The comment postponed the other one: closed five days after it.
    jobs_clock.set(T0 + timedelta(hours=1, days=3) + after)
    assert await store.jobs.close_resolved() == 1
    assert (await ticket_row(store.session_factory, talked)).status == "closed"


async def test_several_replicas_at_once_change_each_ticket_once(
    store: TicketStoreRuntime, jobs_clock: MovableClock
) -> None:
    numbers = [await new_ticket(store.session_factory, store.desk) for _ in range(40)]
    jobs_clock.set(T0 + timedelta(hours=5))  # both targets passed for every ticket
    # Three replicas: each its own engine (its own connections), small batches.
    engines = [create_engine(store.settings.database_url, pool_size=3) for _ in range(3)]
    try:
        replicas = [
            TicketJobs(create_session_factory(engine), store.desk, batch_size=4)
            for engine in engines
        ]
        counts = await asyncio.gather(*(replica.flag_breaches() for replica in replicas))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sum(counts) == 2 * len(numbers)
    for number in numbers:
        actions = [
            e["data"]["change"]["action"] for e in await events_of(store.session_factory, number)
        ]
        assert actions == [None, "response_breached", "resolution_breached"], number
        assert (await ticket_row(store.session_factory, number)).version == 3


async def test_a_ticket_in_the_middle_of_a_change_is_skipped_and_found_next_time(
    store: TicketStoreRuntime, jobs_clock: MovableClock
) -> None:
    busy = await new_ticket(store.session_factory, store.desk)
    idle = await new_ticket(store.session_factory, store.desk)
    jobs_clock.set(T0 + timedelta(minutes=31))
    async with store.session_factory.begin() as request_in_flight:
        await request_in_flight.execute(
            select(Ticket).where(Ticket.ticket_number == busy).with_for_update()
        )
        assert await asyncio.wait_for(store.jobs.flag_breaches(), timeout=30) == 1
    assert (await ticket_row(store.session_factory, idle)).response_breached_at is not None
    assert (await ticket_row(store.session_factory, busy)).response_breached_at is None
    assert await store.jobs.flag_breaches() == 1


async def test_the_worker_runs_passes_on_its_own(
    store: TicketStoreRuntime, jobs_clock: MovableClock
) -> None:
    number = await new_ticket(store.session_factory, store.desk)
    worker = TicketJobsWorker(store.jobs, interval_seconds=3600)
    worker.start()
    try:
        await asyncio.wait_for(worker.pass_done.wait(), timeout=30)
        assert worker.last_report is not None
        assert worker.last_report.breaches_flagged == 0
        worker.pass_done.clear()
        jobs_clock.set(T0 + timedelta(minutes=30))
        worker.wake()
        await asyncio.wait_for(worker.pass_done.wait(), timeout=30)
        assert worker.last_report.breaches_flagged == 1
    finally:
        await worker.stop(timeout=10)
    assert (await ticket_row(store.session_factory, number)).version == 2


async def test_the_cli_runs_one_pass(store: TicketStoreRuntime, jobs_clock: MovableClock) -> None:
    # The command runs on real time: a ticket registered a day ago is overdue now.
    jobs_clock.set(datetime.now(UTC) - timedelta(days=1))
    number = await new_ticket(store.session_factory, store.desk)
    env = {**os.environ, "DATABASE_URL": store.settings.database_url, "LOG_LEVEL": "WARNING"}
    command = Path(sys.executable).parent / "ticket-store"
    process = await asyncio.create_subprocess_exec(
        str(command),
        "run-jobs",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode()
    report = json.loads(out.decode().strip().splitlines()[-1])
    assert report == {"breaches_flagged": 2, "tickets_auto_closed": 0}
    assert (await ticket_row(store.session_factory, number)).version == 3
