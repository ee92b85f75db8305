"""The merge rules of ``domain/incident.py`` and ``domain/projection.py`` as single SQL
upserts.

Each write is one ``INSERT ... ON CONFLICT`` so two consumers racing on the same
declaration serialize on its row and neither loses the other's change. The statements
are built once and take many rows at a time: the consumer's batch, as one JSON
parameter (``adapters/json_rows.py``), and the rebuild's, from a staging table. An
upsert may touch a row only once, so its rows are of distinct declarations (sites);
they go in key order, so two transactions lock the rows they share in the same order
and never deadlock on them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import (
    Column,
    FromClause,
    MetaData,
    Table,
    and_,
    case,
    func,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters.json_rows import json_array, json_recordset
from search.adapters.tables import Incident, Site
from search.domain.incident import TICKET_FIELDS, IncidentRecord
from search.domain.projection import SiteRecord

INCIDENTS: Table = Incident.__table__  # type: ignore[assignment]
SITES: Table = Site.__table__  # type: ignore[assignment]

# What a line of the list, and the change log's copy of it, is made of: not the
# description (long, and never listed), not the search document, not the version.
ITEM_COLUMNS: tuple[str, ...] = tuple(
    name
    for name in IncidentRecord.__dataclass_fields__
    if name not in {"description", "ticket_version"}
)
RECORD_COLUMNS: tuple[str, ...] = tuple(IncidentRecord.__dataclass_fields__)


@cache
def _incident_upsert(table: Table, source: FromClause) -> Any:
    """The statement, built once per table and source and cached (building it cost 12 %
    of search's CPU when it was built per event, bench/RESULTS.md): every row of
    ``source``, the consumer's JSON rows or the rebuild's staging table."""
    statement = insert(table).from_select(
        list(RECORD_COLUMNS), select(*(source.c[name] for name in RECORD_COLUMNS))
    )
    current, incoming = table.c, statement.excluded
    newer = current.ticket_version < incoming.ticket_version
    values: dict[str, Any] = {
        name: case((newer, incoming[name]), else_=current[name]) for name in TICKET_FIELDS
    }
    values["declared_at"] = func.coalesce(current.declared_at, incoming.declared_at)
    values["updated_at"] = func.greatest(current.updated_at, incoming.updated_at)
    return statement.on_conflict_do_update(
        index_elements=[current.declaration_id],
        set_=values,
        # Only when something changes: the row (and the change log) stay untouched by
        # a stale or duplicated event.
        where=or_(
            newer,
            and_(current.declared_at.is_(None), incoming.declared_at.is_not(None)),
            current.updated_at < incoming.updated_at,
        ),
    )


async def apply_incident_wave(
    session: AsyncSession, records: Sequence[IncidentRecord], sites: Sequence[SiteRecord] = ()
) -> dict[str, dict[str, Any]]:
    """Merge records of distinct declarations into their rows, and ``sites`` (distinct)
    into theirs, in one statement; the listed columns of each incident row that
    changed, by declaration id (a stale or duplicated record changes nothing and is
    absent)."""
    if not records and not sites:
        return {}
    result = await session.execute(
        _WAVE,
        {
            "incidents": json_array(
                [record.as_row() for record in sorted(records, key=_declaration_id)]
            ),
            "sites": json_array([_site_row(site) for site in sorted(sites, key=_site_id)]),
        },
    )
    return {row["declaration_id"]: dict(row) for row in result.mappings()}


def _declaration_id(record: IncidentRecord) -> str:
    return record.declaration_id


def _site_id(site: SiteRecord) -> str:
    return site.site_id


# Where the rebuild COPYs a batch before merging it: a temporary table of this session.
STAGING = Table(
    "incident_staging",
    MetaData(),
    *(Column(name, INCIDENTS.c[name].type) for name in RECORD_COLUMNS),
)
# Names from search's own metadata, never from input.
_CREATE_STAGING = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING.name} ON COMMIT DELETE ROWS "  # noqa: S608
    f"AS SELECT {', '.join(RECORD_COLUMNS)} FROM {INCIDENTS.name} WITH NO DATA"
)


def _copied(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, dict) else value


async def apply_incidents(
    session: AsyncSession, records: Sequence[IncidentRecord], table: Table
) -> None:
    """Merge records of distinct declarations, all at once (the rebuild): COPY them
    into a staging table, then one upsert from it, with the consumer's merge rule."""
    if not records:
        return
    connection = await session.connection()
    await connection.execute(text(_CREATE_STAGING))
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    await driver.copy_records_to_table(
        STAGING.name,
        records=[tuple(_copied(value) for value in record.as_row().values()) for record in records],
        columns=list(RECORD_COLUMNS),
    )
    await session.execute(_incident_upsert(table, STAGING))
    await session.execute(text(f"TRUNCATE {STAGING.name}"))


@cache
def _site_upsert(table: Table) -> Any:
    rows = json_recordset(table.c, name="incoming_sites", parameter="sites")
    statement = insert(table).from_select(
        [column.name for column in table.c], select(*(rows.c[column.name] for column in table.c))
    )
    current, incoming = table.c, statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[current.site_id],
        set_={column.name: incoming[column.name] for column in table.c if column.name != "site_id"},
        where=tuple_(current.described_at, current.described_by)
        < tuple_(incoming.described_at, incoming.described_by),
    )


def _site_row(site: SiteRecord) -> dict[str, Any]:
    return {
        "site_id": site.site_id,
        "org_id": site.org_id,
        "name": site.name,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "described_at": site.described_at,
        "described_by": site.described_by,
    }


async def apply_sites(session: AsyncSession, sites: Sequence[SiteRecord], table: Table) -> None:
    """Keep each site's latest description, in one statement (distinct sites)."""
    if sites:
        rows = [_site_row(site) for site in sorted(sites, key=_site_id)]
        await session.execute(_site_upsert(table), {"sites": json_array(rows)})


_INCIDENT_ROWS = json_recordset(
    (INCIDENTS.c[name] for name in RECORD_COLUMNS), name="incoming", parameter="incidents"
)
# The consumer's: the sites a batch describes ride along with its first wave of
# incidents (a round trip less), and the rows changed come back as the list shows
# them, for the change log.
_WAVE = (
    _incident_upsert(INCIDENTS, _INCIDENT_ROWS)
    .returning(*(INCIDENTS.c[name] for name in ITEM_COLUMNS))
    .add_cte(_site_upsert(SITES).cte("sites"))
)
