"""The migrations build exactly the tables the code describes."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from intake.adapters.tables import Base
from ticketing_devkit.service_testing import ServiceUnderTest as Intake

OWN_TABLES = frozenset(Base.metadata.tables)


def _ours(name: str | None, type_: str, _parent: Any) -> bool:
    # The messaging tables are the shared library's, checked by its own tests.
    return type_ != "table" or name in OWN_TABLES


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"include_name": _ours})
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrated_schema_matches_the_tables(intake: Intake) -> None:
    async with intake.runtime.session_factory() as session:
        connection = await session.connection()
        differences = await connection.run_sync(_differences)
    assert differences == []
