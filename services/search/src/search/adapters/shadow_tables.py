"""Shadow copies of the read model's tables, filled beside the live ones and swapped in.

A shadow is created like its table (columns, defaults, the generated search document,
the primary key), filled without its other indexes (faster), then given the live
table's indexes under temporary names. The swap renames the tables and gives indexes
and the primary key their usual names back, so the schema after a rebuild is exactly
the migrated one.
"""

from __future__ import annotations

from sqlalchemy import MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

SHADOW = "__rebuild"
RETIRED = "__retired"


def shadow_name(table: str) -> str:
    return f"{table}{SHADOW}"


def shadow_of(table: Table) -> Table:
    """The same table, named as its shadow, for SQLAlchemy statements."""
    return table.to_metadata(MetaData(), name=shadow_name(table.name))


async def _primary_key(connection: AsyncConnection | AsyncSession, table: str) -> list[str]:
    rows = await connection.execute(
        text(
            "SELECT a.attname FROM pg_index i "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = CAST(:table AS regclass) AND i.indisprimary "
            "ORDER BY array_position(i.indkey, a.attnum)"
        ),
        {"table": table},
    )
    return [row[0] for row in rows]


async def create_shadow(connection: AsyncConnection, table: str) -> None:
    shadow = shadow_name(table)
    await connection.execute(text(f"DROP TABLE IF EXISTS {shadow}"))
    await connection.execute(
        text(
            f"CREATE TABLE {shadow} (LIKE {table} "
            "INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING IDENTITY INCLUDING STORAGE)"
        )
    )
    key = ", ".join(await _primary_key(connection, table))
    await connection.execute(
        text(f"ALTER TABLE {shadow} ADD CONSTRAINT {shadow}_pkey PRIMARY KEY ({key})")
    )
    # LIKE does not copy a column's statistics target (the search document's).
    targets = await connection.execute(
        text(
            "SELECT attname, attstattarget FROM pg_attribute "
            "WHERE attrelid = CAST(:table AS regclass) AND attnum > 0 AND attstattarget > 0"
        ),
        {"table": table},
    )
    for column, target in targets.all():
        await connection.execute(
            text(f"ALTER TABLE {shadow} ALTER COLUMN {column} SET STATISTICS {int(target)}")
        )


async def drop_shadow(connection: AsyncConnection, table: str) -> None:
    await connection.execute(text(f"DROP TABLE IF EXISTS {shadow_name(table)}"))


async def index_shadow(connection: AsyncConnection, table: str) -> None:
    """Build the live table's secondary indexes on the shadow, named ``<index>__rebuild``."""
    shadow = shadow_name(table)
    rows = await connection.execute(
        text(
            "SELECT schemaname, indexname, indexdef FROM pg_indexes WHERE tablename = :table "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = CAST(:table AS regclass) AND contype = 'p')"
        ),
        {"table": table},
    )
    for schema, index, definition in rows.all():
        live = f" {index} ON {schema}.{table} "
        if live not in definition:
            raise RuntimeError(f"unexpected definition of index {index}: {definition}")
        await connection.execute(
            text(definition.replace(live, f" {index}{SHADOW} ON {schema}.{shadow} ", 1))
        )


async def swap_in_shadow(session: AsyncSession, table: str) -> None:
    """Within the caller's transaction: the shadow becomes the table, under the usual
    names of the table, its primary key and its indexes."""
    shadow, retired = shadow_name(table), f"{table}{RETIRED}"
    await session.execute(text(f"ALTER TABLE {table} RENAME TO {retired}"))
    await session.execute(text(f"ALTER TABLE {shadow} RENAME TO {table}"))
    await session.execute(text(f"DROP TABLE {retired}"))
    await session.execute(
        text(f"ALTER TABLE {table} RENAME CONSTRAINT {shadow}_pkey TO {table}_pkey")
    )
    rows = await session.execute(
        text("SELECT indexname FROM pg_indexes WHERE tablename = :table"), {"table": table}
    )
    for (index,) in rows.all():
        if index.endswith(SHADOW):
            await session.execute(
                text(f"ALTER INDEX {index} RENAME TO {index.removesuffix(SHADOW)}")
            )
