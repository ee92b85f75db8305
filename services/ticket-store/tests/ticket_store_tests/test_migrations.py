"""The migrations build exactly the tables the code maps, and carry old tickets over."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection

from ticket_store.adapters.tables import Base
from ticket_store.bootstrap import build_app
from ticket_store.runtime import MIGRATIONS, TicketStoreRuntime
from ticketing_common.db.engine import create_engine
from ticketing_common.db.messaging_tables import messaging_metadata
from ticketing_common.db.migrations import alembic_config
from ticketing_devkit.pytest_plugin import MakeDatabase


def _differences(connection: Connection) -> list[Any]:
    metadata = MetaData()
    for source in (Base.metadata, messaging_metadata):
        for table in source.tables.values():
            table.to_metadata(metadata)
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_the_migrated_schema_matches_the_mapped_tables(runtime: TicketStoreRuntime) -> None:
    async with runtime.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert differences == []


async def test_tickets_registered_before_the_lifecycle_get_their_sla(
    make_database: MakeDatabase,
) -> None:
    url = await make_database("tickets_upgrade")
    config = alembic_config(MIGRATIONS, url)
    await asyncio.to_thread(command.upgrade, config, "0001")
    created = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as connection:
            for number, priority in (("INC0000001", "P1"), ("INC0000002", "P4")):
                await connection.execute(
                    text(
                        "INSERT INTO tickets (ticket_number, declaration_id, org_id, "
                        "contract_id, element_id, nature, impacted_users, main_usage, "
                        "priority, status, description, occurred_at, declared_by, "
                        "interlocutor, notify, attachment_ids, version, created_at, "
                        "updated_at) VALUES (:number, :number, 'ORG', 'CT', 'EL', "
                        "'unavailable', 'all_users', 'production', :priority, 'new', 'd', "
                        ":at, '{}', '{}', '[]', '[]', 1, :at, :at)"
                    ),
                    {"number": number, "priority": priority, "at": created},
                )
        await asyncio.to_thread(command.upgrade, config, "head")
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text(
                        "SELECT ticket_number, response_due_at, resolution_due_at, "
                        "sla_paused_total, priority_overridden FROM tickets "
                        "ORDER BY ticket_number"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    assert [tuple(row) for row in rows] == [
        (
            "INC0000001",
            created + timedelta(minutes=30),
            created + timedelta(hours=4),
            timedelta(0),
            False,
        ),
        (
            "INC0000002",
            created + timedelta(days=1),
            created + timedelta(days=5),
            timedelta(0),
            False,
        ),
    ]
    # And back down, then up again: the downgrade undoes it all.
    await asyncio.to_thread(command.downgrade, config, "0001")
    await asyncio.to_thread(command.upgrade, config, "head")


async def test_every_operation_declares_who_may_call_it(runtime: TicketStoreRuntime) -> None:
    document = build_app(runtime).openapi()
    operations = {
        (method, path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if path.startswith("/v1/")
    }
    assert {key for key in operations if key[0] == "post"} >= {
        ("post", "/v1/tickets/{ticket_number}/transitions"),
        ("post", "/v1/tickets/{ticket_number}/comments"),
        ("post", "/v1/tickets/{ticket_number}/assignment"),
        ("post", "/v1/tickets/{ticket_number}/priority"),
    }
    for key, operation in operations.items():
        assert operation.get("x-access", {}).get("roles"), key
