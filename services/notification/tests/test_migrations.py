"""The migrations build exactly the tables the code describes."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from notification.adapters.tables import DELIVERIES_CHANNEL, Base
from ticketing_common.db.engine import SessionFactory

OWN_TABLES = frozenset(Base.metadata.tables)


def _ours(name: str | None, type_: str, _parent: Any) -> bool:
    # The messaging tables are the shared library's, checked by its own tests.
    return type_ != "table" or name in OWN_TABLES


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"include_name": _ours})
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrated_schema_matches_the_tables(session_factory: SessionFactory) -> None:
    async with session_factory() as session:
        connection = await session.connection()
        differences = await connection.run_sync(_differences)
    assert differences == []


async def test_inserting_a_delivery_notifies_the_sender(session_factory: SessionFactory) -> None:
    async with session_factory() as session:
        trigger = await session.scalar(
            text("SELECT prosrc FROM pg_proc WHERE proname = 'deliveries_notify'")
        )
    assert trigger is not None
    assert f"pg_notify('{DELIVERIES_CHANNEL}'" in trigger
