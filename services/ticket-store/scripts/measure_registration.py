"""CPU and statements per registration, and per ticket read, in this process.

    PYTHONPATH=. .venv/bin/python services/ticket-store/scripts/measure_registration.py \
        [--events 500] [--batch 50] [--reads 500] [--rounds 3]

Declarations are decoded from their bytes through the ticket store's router, as the
consumer decodes them, then registered through its route in transactions of
``--batch`` declarations, and again one per transaction. Then ``--reads`` tickets are
read through the API (``GET /v1/tickets/{number}``, in-process over ASGI, as a
customer). Reported: this process's CPU (``time.process_time``), the PostgreSQL
backend's (``/proc/<pid>/stat`` of the session's connection, so the server must run on
this machine) and the statements sent (for reads, also the transactions begun: a BEGIN
and a ROLLBACK each), per registration or read. The inbox, the broker and the acks are
the consumer's and are left out. Logs are rendered as in production (JSON) and thrown
away. The database (``tickets_measure_<pid>``) is created and dropped by the script;
no broker is used.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
from bench.cpu import process_cpu_seconds
from sqlalchemy import event, text

from ticket_store.adapters.tables import Ticket
from ticket_store.bootstrap import build_app, build_desk, event_router
from ticket_store.runtime import MIGRATIONS, TicketStoreRuntime
from ticket_store.settings import TicketStoreSettings
from ticketing_common.db.engine import asyncpg_dsn
from ticketing_common.db.migrations import upgrade_to_head_async
from ticketing_common.events import CloudEvent, IncidentDeclaredV1, new_event
from ticketing_common.events.parts import Person, Recipient
from ticketing_common.logging import configure_logging
from ticketing_common.messaging.consumer import EventRouter, decode_event
from ticketing_common.reference import ImpactedUsers, Language, MainUsage, Nature
from ticketing_devkit.service_testing import auth_as

SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"


def declarations(count: int, router: EventRouter) -> list[CloudEvent[Any]]:
    """``count`` declarations of the demo customer's perimeter, as the consumer decodes
    them."""
    decoded = []
    for index in range(count):
        data = IncidentDeclaredV1(
            declaration_id=str(uuid.uuid4()),
            org_id="ORG-ACME",
            declared_by=Person(sub="u-acme-claire", name="Claire", email="claire@acme.example"),
            declared_at=datetime.now(UTC),
            contract_id="CT-ACME-1001",
            element_id="EL-ACME-FE-1",
            region="eu-west-0",
            nature=Nature.UNAVAILABLE,
            impacted_users=ImpactedUsers.ONE_SITE,
            main_usage=MainUsage.PRODUCTION,
            occurred_at=datetime.now(UTC),
            customer_reference=f"VPN down #{index}",
            description="No user of the Lyon site reaches the VPN since this morning.",
            site_id="SITE-LYON",
            interlocutor=Recipient(email="claire@acme.example", language=Language.FR),
            notify=[Recipient(email="noc@acme.example", language=Language.EN)],
        )
        sent = new_event(data, source="/measure", correlation_id=data.declaration_id)
        decoded.append(decode_event(sent.to_json_bytes(), router))
    return decoded


class Statements:
    """Counts the statements the engine sends, and the transactions the driver begins
    (each a BEGIN and a COMMIT or ROLLBACK, round trips SQLAlchemy does not see)."""

    def __init__(self, runtime: TicketStoreRuntime) -> None:
        self.count = 0
        self.transactions = 0
        event.listen(runtime.engine.sync_engine, "before_cursor_execute", self._seen)
        begin = asyncpg.Connection.transaction

        def transaction(connection: asyncpg.Connection, *args: Any, **kwargs: Any) -> Any:
            self.transactions += 1
            return begin(connection, *args, **kwargs)

        asyncpg.Connection.transaction = transaction  # type: ignore[method-assign,assignment]

    def _seen(self, *_args: Any) -> None:
        self.count += 1


async def backend_pid(runtime: TicketStoreRuntime) -> int:
    async with runtime.engine.connect() as connection:
        return int(await connection.scalar(text("SELECT pg_backend_pid()")) or 0)


async def measure_registration(
    runtime: TicketStoreRuntime,
    router: EventRouter,
    stream: Sequence[CloudEvent[Any]],
    batch: int,
    statements: Statements,
) -> tuple[float, float, float]:
    """(client ms, server ms, statements) per registration, ``batch`` per transaction."""
    backend = await backend_pid(runtime)
    sent = statements.count
    client, server = time.process_time(), process_cpu_seconds(backend)
    for start in range(0, len(stream), batch):
        chunk = stream[start : start + batch]
        route = router.route_for(chunk[0].type)
        assert route is not None
        async with runtime.session_factory.begin() as session:
            await route.apply(session, chunk)
    client, server = time.process_time() - client, process_cpu_seconds(backend) - server
    count = len(stream)
    return client * 1000 / count, server * 1000 / count, (statements.count - sent) / count


async def measure_reads(
    runtime: TicketStoreRuntime, client: httpx.AsyncClient, reads: int, statements: Statements
) -> tuple[float, float, float, float]:
    """(client ms, server ms, statements, transactions) per ``GET /v1/tickets/{number}``."""
    async with runtime.session_factory() as session:
        numbers = list((await session.scalars(text("SELECT ticket_number FROM tickets"))).all())
    assert Ticket.__tablename__ == "tickets"
    headers = auth_as("customer")
    backend = await backend_pid(runtime)
    sent, begun = statements.count, statements.transactions
    started, server = time.process_time(), process_cpu_seconds(backend)
    for index in range(reads):
        response = await client.get(f"/v1/tickets/{numbers[index % len(numbers)]}", headers=headers)
        assert response.status_code == 200, response.text
    spent, server = time.process_time() - started, process_cpu_seconds(backend) - server
    return (
        spent * 1000 / reads,
        server * 1000 / reads,
        (statements.count - sent) / reads,
        (statements.transactions - begun) / reads,
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--reads", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    name = f"tickets_measure_{os.getpid()}"
    admin = await asyncpg.connect(asyncpg_dsn(f"{SERVER}/postgres"))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER}/{name}"
    try:
        await upgrade_to_head_async(MIGRATIONS, url)
        # One connection, so its backend's CPU is all of the server's work.
        settings = TicketStoreSettings(database_url=url, db_pool_size=1, db_max_overflow=0)
        runtime = TicketStoreRuntime(settings, build_desk(settings))
        statements = Statements(runtime)
        router = event_router(runtime.desk)
        # Warm-up: statements prepared and cached before anything is measured.
        await measure_registration(
            runtime, router, declarations(100, router), args.batch, statements
        )
        await measure_registration(runtime, router, declarations(100, router), 1, statements)
        for _ in range(args.rounds):
            for batch in (1, args.batch):
                stream = declarations(args.events, router)
                client, server, sent = await measure_registration(
                    runtime, router, stream, batch, statements
                )
                print(
                    f"registration, batch {batch:>3}: {client:6.3f} ms client CPU, "
                    f"{server:6.3f} ms PostgreSQL CPU, {sent:5.2f} statements per declaration"
                )
        async with runtime.session_factory() as session:
            registered = await session.scalar(text("SELECT count(*) FROM tickets"))
        # Every declaration measured became a ticket (the warm-ups' 200 included).
        assert registered == 200 + 2 * args.rounds * args.events, registered
        transport = httpx.ASGITransport(app=build_app(runtime))
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as http:
            await measure_reads(runtime, http, 100, statements)
            for _ in range(args.rounds):
                spent, server, sent, begun = await measure_reads(
                    runtime, http, args.reads, statements
                )
                print(
                    f"GET /v1/tickets/{{number}}: {spent:6.3f} ms client CPU, "
                    f"{server:6.3f} ms PostgreSQL CPU, {sent:5.2f} statements "
                    f"and {begun:4.2f} transactions per read"
                )
        await runtime.engine.dispose()
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    # As in production (JSON), where nobody reads them here.
    with open(os.devnull, "w") as nowhere:
        configure_logging("ticket-store", fmt="json", stream=nowhere)
        asyncio.run(main())
