"""Many rows in one statement: each column travels as one array, ``unnest`` makes rows.

A statement of this shape is the same text for one row or a thousand, so it is built
once and prepared once, and asyncpg encodes each array in one go (binary), where a
multi-row ``VALUES`` would be a new statement for each batch size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Table
from sqlalchemy.dialects.postgresql.base import PGDialect

# Only compiles type names, offline (its constructor is untyped).
_DIALECT = PGDialect()  # type: ignore[no-untyped-call]


def array_type(column: Column[Any]) -> str:
    """The SQL type of an array of ``column``'s values, e.g. ``VARCHAR(20)[]``."""
    return f"{column.type.compile(dialect=_DIALECT)}[]"


def unnest_columns(table: Table, alias: str) -> str:
    """``unnest(CAST(:col AS type[]), ...) AS alias(col, ...)`` over every column of
    ``table``: one bound array per column, named as the column."""
    columns = list(table.columns)
    arrays = ", ".join(f"CAST(:{column.name} AS {array_type(column)})" for column in columns)
    names = ", ".join(column.name for column in columns)
    return f"unnest({arrays}) AS {alias}({names})"


def column_lists(names: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """The rows as the column arrays ``unnest_columns`` binds (a missing column raises)."""
    return {name: [row[name] for row in rows] for name in names}
