"""Many rows as one JSON parameter, read back as a table by PostgreSQL.

A batch's rows go into a statement built once (``json_to_recordset`` of a single
parameter), whatever their number: one round trip, one statement PostgreSQL and the
driver have already prepared, and no per-row parameter handling in SQLAlchemy. Each
row carries its ``position`` in the batch, so a statement can insert in the batch's
order (the feeds' ids follow it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic_core import to_json
from sqlalchemy import JSON, Column, Integer, TableValuedAlias, Text, bindparam, cast, column, func

POSITION = "position"


def json_recordset(
    columns: Iterable[Column[Any]], *, name: str, parameter: str
) -> TableValuedAlias:
    """``columns`` (a table's, with their types) and ``position``, read from the JSON
    array given as ``parameter`` (``json_array``)."""
    typed = [column(each.name, each.type) for each in columns]
    return (
        func.json_to_recordset(cast(bindparam(parameter, type_=Text), JSON))
        .table_valued(*typed, column(POSITION, Integer))
        .render_derived(name=name, with_types=True)
    )


def json_array(rows: Sequence[Mapping[str, Any]]) -> str:
    """``rows`` as ``json_recordset`` reads them, in order: datetimes, enums and nested
    dicts as pydantic writes them as JSON."""
    return to_json([{**row, POSITION: position} for position, row in enumerate(rows)]).decode()
