"""Reading the incident list and its figures, within the caller's scope."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Select, func, literal, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters.incident_scope import selection
from search.adapters.incident_writes import ITEM_COLUMNS
from search.adapters.tables import Incident, Site
from search.domain.figures import Group, roll_up
from search.domain.filters import IncidentFilters
from search.domain.status import IncidentStatus
from search.domain.views import IncidentSummary, SiteFigures
from ticketing_common.auth.principal import Principal
from ticketing_common.reference import Priority


class ListPosition(NamedTuple):
    """The keyset of the last row of a page: the list continues strictly after it."""

    updated_at: datetime
    declaration_id: str


_ITEM = tuple(Incident.__table__.c[name] for name in ITEM_COLUMNS)


def list_statement(
    caller: Principal,
    filters: IncidentFilters,
    *,
    now: datetime,
    after: ListPosition | None,
    limit: int,
    few_matches: bool = False,
) -> Select[Any]:
    """Up to ``limit + 1`` rows, newest change first: the extra one says a page follows.

    ``few_matches``: gather every match through the search indexes, then sort them,
    rather than walk the list's order until enough match (see ``list_incidents``)."""
    statement = select(*_ITEM).where(selection(caller, filters, now))
    if after is not None:
        statement = statement.where(
            tuple_(Incident.updated_at, Incident.declaration_id)
            < tuple_(after.updated_at, after.declaration_id)
        )
    # The same order; as an expression no index provides, it makes PostgreSQL collect
    # the matches first.
    newest = Incident.updated_at + timedelta(0) if few_matches else Incident.updated_at
    return statement.order_by(newest.desc(), Incident.declaration_id.desc()).limit(limit + 1)


# A text search with fewer matches than this (in the caller's scope) sorts them all;
# with more, walking the list's order finds a page within a few thousand rows.
DENSE_MATCHES = 2000


# The plans the probe may not use: only bitmap scans of the indexes remain.
BITMAP_ONLY = ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan")


def probe_statement(caller: Principal, filters: IncidentFilters, *, now: datetime) -> Select[Any]:
    matches = select(literal(1)).where(selection(caller, filters, now)).limit(DENSE_MATCHES)
    return select(func.count()).select_from(matches.subquery())


async def has_many_matches(
    session: AsyncSession, caller: Principal, filters: IncidentFilters, *, now: datetime
) -> bool:
    """Whether ``q`` matches at least DENSE_MATCHES incidents of the caller's scope,
    counted through the search indexes alone (a bitmap scan stops at the bound), so
    the answer costs little whatever the statistics say. PostgreSQL's estimate of a
    word's frequency decides badly for a word it has no statistics on: walking the
    whole list for a word found nowhere takes seconds at a million incidents."""
    savepoint = await session.begin_nested()
    try:
        for setting in BITMAP_ONLY:
            await session.execute(text(f"SET LOCAL {setting} = off"))
        found = await session.scalar(probe_statement(caller, filters, now=now))
    finally:
        # Rolling the savepoint back undoes the SET LOCALs too.
        await savepoint.rollback()
    return int(found or 0) >= DENSE_MATCHES


async def list_incidents(
    session: AsyncSession,
    caller: Principal,
    filters: IncidentFilters,
    *,
    now: datetime,
    after: ListPosition | None,
    limit: int,
) -> Sequence[dict[str, Any]]:
    few_matches = filters.searches_text and not await has_many_matches(
        session, caller, filters, now=now
    )
    statement = list_statement(
        caller, filters, now=now, after=after, limit=limit, few_matches=few_matches
    )
    rows = await session.execute(statement)
    return [dict(row) for row in rows.mappings()]


_GROUP: tuple[Any, ...] = (
    Incident.status,
    Incident.priority,
    Incident.contract_id,
    Incident.site_id,
)


def summary_statement(caller: Principal, filters: IncidentFilters, *, now: datetime) -> Select[Any]:
    """One count per (status, priority, contract, site): a few thousand rows at most,
    from which every figure is rolled up (``domain/figures.py``). One statement, so the
    figures agree with each other even while events keep arriving; in an organization,
    an index-only scan of ``ix_incidents_figures``, already in this order."""
    return (
        select(*_GROUP, func.count().label("n"))
        .where(selection(caller, filters, now))
        .group_by(*_GROUP)
    )


async def summarize(
    session: AsyncSession, caller: Principal, filters: IncidentFilters, *, now: datetime
) -> IncidentSummary:
    """Only the sites' names and coordinates are read apart: they describe places, not
    incidents."""
    rows = await session.execute(summary_statement(caller, filters, now=now))
    figures = roll_up(
        Group(
            status=IncidentStatus(row.status),
            priority=Priority(row.priority) if row.priority else None,
            contract_id=row.contract_id,
            site_id=row.site_id,
            count=int(row.n),
        )
        for row in rows
    )
    places = await _places(session, sorted(figures.by_site))
    return IncidentSummary(
        by_status=figures.by_status,
        by_priority=figures.by_priority,
        by_contract=figures.by_contract,
        by_site={site_id: counts.incidents for site_id, counts in figures.by_site.items()},
        total=figures.total,
        open=figures.open,
        sites=[
            SiteFigures(
                site_id=site_id,
                name=places[site_id].name if site_id in places else None,
                latitude=places[site_id].latitude if site_id in places else None,
                longitude=places[site_id].longitude if site_id in places else None,
                incidents=counts.incidents,
                open=counts.open,
                highest_open_priority=counts.highest_open_priority,
            )
            for site_id, counts in sorted(figures.by_site.items())
        ],
    )


async def _places(session: AsyncSession, site_ids: list[str]) -> dict[str, Site]:
    if not site_ids:
        return {}
    rows = await session.execute(select(Site).where(Site.site_id.in_(site_ids)))
    return {site.site_id: site for site in rows.scalars()}
