"""CPU per event of search's consumer handler, one event per transaction against a
batch per transaction.

    PYTHONPATH=. .venv/bin/python services/search/scripts/measure_batches.py \
        [--events 1000] [--batch 50 ...]

Events are decoded from their bytes through search's router, as the consumer decodes
them, then applied through the route in transactions of ``--batch`` events, and again
one per transaction. Reported: this process's CPU (``time.process_time``) and the
PostgreSQL backend's (``/proc/<pid>/stat`` of the session's connection, so the server
must run on this machine), per event. The inbox, the broker and the acks are the
consumer's and are left out. The database (``search_measure_<pid>``) is created and
dropped by the script.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from bench.cpu import process_cpu_seconds
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from search.bootstrap import MIGRATIONS, event_router
from ticketing_common.db.engine import asyncpg_dsn, create_session_factory
from ticketing_common.db.migrations import upgrade_to_head_async
from ticketing_common.events import CloudEvent, IncidentDeclaredV1, TicketUpdatedV1, new_event
from ticketing_common.events.incident_declared import DeclaredSiteV1
from ticketing_common.events.parts import Actor, ActorKind, Person, Recipient
from ticketing_common.events.ticket_updated import ChangeKind, TicketChangeV1, TicketSnapshotV1
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
    return IncidentDeclaredV1(
        declaration_id=str(uuid.uuid4()),
        org_id=f"ORG-{index % 7}",
        declared_by=Person(sub="u-1", name="Claire Dubois", email="claire@example.com"),
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
        site_id=f"SITE-{index % 11}",
        site=DeclaredSiteV1(name=f"Site {index % 11}", latitude=45.76, longitude=4.86),
        interlocutor=Recipient(email="claire@example.com", language=Language.FR),
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
            site_id=declaration.site_id,
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
            created_at=created,
            updated_at=created,
            version=1,
        ),
        version=1,
        change=TicketChangeV1(
            kind=ChangeKind.CREATED, actor=AGENT, public=True, at=created, to_status=None
        ),
    )


def events(count: int, router: EventRouter) -> list[CloudEvent[Any]]:
    """``count`` events, a declaration each and its ticket ``TICKET_LAG`` later, as
    the consumer decodes them."""
    declarations = [_declaration(index) for index in range(count // 2)]
    stream: list[Any] = []
    for index, declaration in enumerate(declarations):
        stream.append(declaration)
        if index >= TICKET_LAG:
            stream.append(_ticket(declarations[index - TICKET_LAG], index - TICKET_LAG))
    for index in range(max(0, len(declarations) - TICKET_LAG), len(declarations)):
        stream.append(_ticket(declarations[index], index))
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


async def measure(
    engine: AsyncEngine, router: EventRouter, stream: Sequence[CloudEvent[Any]], batch: int
) -> tuple[float, float]:
    """(client, server) CPU milliseconds per event, ``batch`` events per transaction."""
    factory = create_session_factory(engine)
    async with engine.connect() as connection:
        backend = int(await connection.scalar(text("SELECT pg_backend_pid()")) or 0)
    client, server = time.process_time(), process_cpu_seconds(backend)
    for start in range(0, len(stream), batch):
        chunk = stream[start : start + batch]
        route = router.route_for(chunk[0].type)
        assert route is not None
        async with factory.begin() as session:
            await route.apply(session, chunk)
    client, server = time.process_time() - client, process_cpu_seconds(backend) - server
    return client * 1000 / len(stream), server * 1000 / len(stream)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--batch", type=int, nargs="+", default=[50])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    name = f"search_measure_{os.getpid()}"
    admin = await asyncpg.connect(asyncpg_dsn(f"{SERVER}/postgres"))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    try:
        await upgrade_to_head_async(MIGRATIONS, url)
        # One connection, so its backend's CPU is all of the server's work.
        engine = create_async_engine(url, pool_size=1, max_overflow=0)
        router = event_router()
        # Warm-up: statements prepared and cached before anything is measured.
        for batch in (1, *args.batch):
            await measure(engine, router, events(200, router), batch)
        for _ in range(args.rounds):
            for batch in (1, *args.batch):
                client, server = await measure(engine, router, events(args.events, router), batch)
                print(
                    f"batch {batch:>3}: {client:6.3f} ms client CPU, "
                    f"{server:6.3f} ms PostgreSQL CPU per event"
                )
        await engine.dispose()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
