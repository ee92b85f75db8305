"""CPU of notification's two halves: recording the emails of events, and sending them.

    PYTHONPATH=. .venv/bin/python services/notification/scripts/measure_sending.py \
        [--declarations 500] [--batch 50] [--rounds 2]

(from the repository's root: the mail sink is the bench's, ``bench.mail_sink``).

Recording: each declaration's ``incident.declared`` and, a few declarations later, its
``ticket.updated`` (created), each naming two people (the declaring user and one
contact, who writes English in every other declaration), as the bench
declares them; decoded as the consumer decodes them and applied through notification's
router in transactions of ``--batch`` events, and again one event per transaction. The
inbox, the broker and the acks are the consumer's and are left out.

Sending: the emails recorded (four per declaration) sent by the sender, built as the
service builds it (``DELIVERY_BATCH_SIZE``, ``SMTP_MAX_CONNECTIONS`` from the
environment), to the bench's mail sink (a process of its own), one round after the
other until none is due.

Reported per email: this process's CPU (``time.process_time``), the PostgreSQL backends'
(``/proc/<pid>/stat`` of the database's connections, so the server must run on this
machine) and the mail sink's. The database (``notification_measure_<pid>``) is created
and dropped by the script.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import asyncpg
from bench.cpu import process_cpu_seconds
from bench.mail_sink import MailArrivals
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from notification.bootstrap import MIGRATIONS, build_sending, email_context, event_router
from notification.settings import NotificationSettings
from ticketing_common.db.engine import asyncpg_dsn, create_session_factory
from ticketing_common.db.migrations import upgrade_to_head_async
from ticketing_common.events import CloudEvent, IncidentDeclaredV1, TicketUpdatedV1, new_event
from ticketing_common.events.parts import Actor, ActorKind, Person, Recipient
from ticketing_common.events.ticket_updated import ChangeKind, TicketChangeV1, TicketSnapshotV1
from ticketing_common.logging import configure_logging
from ticketing_common.messaging.consumer import EventRouter, decode_event
from ticketing_common.reference import (
    ImpactedUsers,
    Language,
    MainUsage,
    Nature,
    Priority,
    TicketStatus,
)

SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
START = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
AGENT = Actor(kind=ActorKind.AGENT, sub="u-ops", name="Sam Agent")
# How many declarations later a declaration's ticket comes: most batches then hold
# both events of some incidents, as they do under load.
TICKET_LAG = 5


def _declaration(index: int) -> IncidentDeclaredV1:
    user = f"user{index}@bench.example"
    return IncidentDeclaredV1(
        declaration_id=str(uuid.uuid4()),
        org_id=f"ORG-{index % 7}",
        declared_by=Person(sub=f"u-{index}", name=f"User {index}", email=user),
        declared_at=START + timedelta(seconds=index),
        contract_id=f"CT-{index % 13}",
        element_id=f"EL-{index % 29}",
        region="eu-west-0",
        nature=Nature.UNAVAILABLE,
        impacted_users=ImpactedUsers.ONE_SITE,
        main_usage=MainUsage.PRODUCTION,
        occurred_at=START,
        customer_reference=f"VPN down #{index}",
        description="No user of the Lyon site reaches the VPN since this morning.",
        interlocutor=Recipient(name=f"User {index}", email=user, language=Language.FR),
        notify=[
            Recipient(
                contact_id=f"C-{index}",
                name=f"Contact of {index}",
                email=f"contact{index}@bench.example",
                language=Language.EN if index % 2 else Language.FR,
            )
        ],
    )


def _ticket(declaration: IncidentDeclaredV1, index: int) -> TicketUpdatedV1:
    created = declaration.declared_at + timedelta(seconds=1)
    return TicketUpdatedV1(
        ticket=TicketSnapshotV1(
            ticket_number=f"INC{index:07d}",
            declaration_id=declaration.declaration_id,
            org_id=declaration.org_id,
            contract_id=declaration.contract_id,
            element_id=declaration.element_id,
            region=declaration.region,
            nature=declaration.nature,
            impacted_users=declaration.impacted_users,
            main_usage=declaration.main_usage,
            priority=Priority.P2,
            status=TicketStatus.NEW,
            customer_reference=declaration.customer_reference,
            description=declaration.description,
            occurred_at=declaration.occurred_at,
            declared_by=declaration.declared_by,
            interlocutor=declaration.interlocutor,
            notify=declaration.notify,
            created_at=created,
            updated_at=created,
            version=1,
        ),
        version=1,
        change=TicketChangeV1(
            kind=ChangeKind.CREATED,
            actor=AGENT,
            public=True,
            at=created,
            to_status=TicketStatus.NEW,
        ),
    )


def events(declarations: int, router: EventRouter) -> list[CloudEvent[Any]]:
    """Each declaration's two events, its ticket ``TICKET_LAG`` declarations later, as
    the consumer decodes them."""
    made = [_declaration(index) for index in range(declarations)]
    stream: list[IncidentDeclaredV1 | TicketUpdatedV1] = []
    for index, declaration in enumerate(made):
        stream.append(declaration)
        if index >= TICKET_LAG:
            stream.append(_ticket(made[index - TICKET_LAG], index - TICKET_LAG))
    for index in range(max(0, len(made) - TICKET_LAG), len(made)):
        stream.append(_ticket(made[index], index))
    decoded = []
    for data in stream:
        correlation = (
            data.declaration_id
            if isinstance(data, IncidentDeclaredV1)
            else data.ticket.declaration_id
        )
        event = new_event(data, source="/measure", correlation_id=correlation)
        decoded.append(decode_event(event.to_json_bytes(), router))
    return decoded


@dataclass
class Cpu:
    client: float
    server: float
    sink: float


async def _backends(engine: AsyncEngine) -> list[int]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND backend_type = 'client backend'"
            )
        )
        return [int(pid) for (pid,) in rows]


async def cpu_of(
    engine: AsyncEngine, sink_pid: int | None, work: Callable[[], Awaitable[None]]
) -> Cpu:
    """The CPU seconds ``work`` cost here, in the database's backends and in the sink."""
    before = {pid: process_cpu_seconds(pid) for pid in await _backends(engine)}
    sink = process_cpu_seconds(sink_pid) if sink_pid else 0.0
    client = time.process_time()
    await work()
    client = time.process_time() - client
    after = {pid: process_cpu_seconds(pid) for pid in await _backends(engine)}
    server = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
    sink = (process_cpu_seconds(sink_pid) - sink) if sink_pid else 0.0
    return Cpu(client, server, sink)


async def record(
    engine: AsyncEngine, router: EventRouter, stream: Sequence[CloudEvent[Any]], batch: int
) -> None:
    """Apply ``stream`` as the consumer does, ``batch`` events per transaction (a
    transaction's events split into runs of one type, as the consumer splits them)."""
    factory = create_session_factory(engine)
    for start in range(0, len(stream), batch):
        chunk = stream[start : start + batch]
        async with factory.begin() as session:
            run: list[CloudEvent[Any]] = []
            for event in chunk:
                if run and run[0].type != event.type:
                    await _apply(router, session, run)
                    run = []
                run.append(event)
            await _apply(router, session, run)


async def _apply(router: EventRouter, session: Any, run: Sequence[CloudEvent[Any]]) -> None:
    route = router.route_for(run[0].type)
    assert route is not None
    await route.apply(session, run)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--declarations", type=int, default=500)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    # Logged as in production (JSON), and thrown away: its cost is part of the figures.
    configure_logging("notification", fmt="json", stream=open(os.devnull, "w"))  # noqa: SIM115, ASYNC230
    name = f"notification_measure_{os.getpid()}"
    admin = await asyncpg.connect(asyncpg_dsn(f"{SERVER}/postgres"))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    sink = await MailArrivals().start()
    try:
        await upgrade_to_head_async(MIGRATIONS, url)
        settings = NotificationSettings(database_url=url, smtp_url=SecretStr(sink.url))
        router = event_router(email_context(settings))
        engine = create_async_engine(url, pool_size=2, max_overflow=0)
        # Warm-up: templates loaded, statements prepared and cached.
        await record(engine, router, events(20, router), args.batch)
        await send_all(settings, engine)
        for _ in range(args.rounds):
            for batch in (1, args.batch):
                stream = events(args.declarations, router)
                recorded = await cpu_of(
                    engine, None, partial(record, engine, router, stream, batch)
                )
                emails = 4 * args.declarations
                print(
                    f"record, {batch:>3} events a transaction: "
                    f"{recorded.client * 1000 / emails:6.3f} ms here, "
                    f"{recorded.server * 1000 / emails:6.3f} ms PostgreSQL per email"
                )
            started = time.perf_counter()
            sent = await cpu_of(engine, sink.pid, partial(send_all, settings, engine))
            elapsed = time.perf_counter() - started
            print(
                f"send: {sent.client * 1000 / emails:6.3f} ms here, "
                f"{sent.server * 1000 / emails:6.3f} ms PostgreSQL, "
                f"{sent.sink * 1000 / emails:6.3f} ms mail sink per email; "
                f"{emails / elapsed:6.0f} emails/s"
            )
        await engine.dispose()
    finally:
        await sink.stop()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def send_all(settings: NotificationSettings, engine: AsyncEngine) -> None:
    sending = build_sending(settings, create_session_factory(engine))
    try:
        while await sending.send_due():
            pass
    finally:
        await sending.close()


if __name__ == "__main__":
    asyncio.run(main())
