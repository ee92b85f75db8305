"""The migrations build exactly the tables the code maps."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from search.adapters.tables import Base
from ticketing_common.db.engine import SessionFactory
from ticketing_common.db.messaging_tables import messaging_metadata


def _differences(connection: Connection) -> list[Any]:
    metadata = MetaData()
    for source in (Base.metadata, messaging_metadata):
        for table in source.tables.values():
            table.to_metadata(metadata)
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_the_migrated_schema_matches_the_mapped_tables(
    session_factory: SessionFactory,
) -> None:
    async with session_factory() as session:
        connection = await session.connection()
        differences = await connection.run_sync(_differences)
    assert differences == []
