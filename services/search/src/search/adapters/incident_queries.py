"""Reading the incident list and its counts, within the caller's scope."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters.incident_scope import selection
from search.adapters.tables import Incident
from search.domain.filters import IncidentFilters
from search.domain.status import IncidentStatus
from search.domain.views import IncidentSummary
from ticketing_common.auth.principal import Principal
from ticketing_common.reference import Priority


class ListPosition(NamedTuple):
    """The keyset of the last row of a page: the list continues strictly after it."""

    updated_at: datetime
    declaration_id: str


async def list_incidents(
    session: AsyncSession,
    caller: Principal,
    filters: IncidentFilters,
    *,
    after: ListPosition | None,
    limit: int,
) -> Sequence[Incident]:
    """Up to ``limit + 1`` rows, newest change first: the extra one says a page follows."""
    statement = select(Incident).where(selection(caller, filters))
    if after is not None:
        statement = statement.where(
            tuple_(Incident.updated_at, Incident.declaration_id)
            < tuple_(after.updated_at, after.declaration_id)
        )
    statement = statement.order_by(
        Incident.updated_at.desc(), Incident.declaration_id.desc()
    ).limit(limit + 1)
    rows = await session.execute(statement)
    return rows.scalars().all()


async def summarize(
    session: AsyncSession, caller: Principal, filters: IncidentFilters
) -> IncidentSummary:
    """The four counts come from one statement (grouping sets), so they agree with
    each other even while events keep arriving."""
    dimensions = (Incident.status, Incident.priority, Incident.contract_id, Incident.site_id)
    statement = (
        select(
            *dimensions,
            *(func.grouping(column).label(f"g_{column.key}") for column in dimensions),
            func.count().label("n"),
        )
        .where(selection(caller, filters))
        .group_by(func.grouping_sets(*(tuple_(column) for column in dimensions)))
    )
    by_status = dict.fromkeys(IncidentStatus, 0)
    by_priority = dict.fromkeys(Priority, 0)
    by_contract: dict[str, int] = {}
    by_site: dict[str, int] = {}
    for row in await session.execute(statement):
        count = int(row.n)
        if row.g_status == 0:
            by_status[IncidentStatus(row.status)] = count
        elif row.g_priority == 0 and row.priority is not None:
            by_priority[Priority(row.priority)] = count
        elif row.g_contract_id == 0:
            by_contract[row.contract_id] = count
        elif row.g_site_id == 0 and row.site_id is not None:
            by_site[row.site_id] = count
    return IncidentSummary(
        by_status=by_status,
        by_priority=by_priority,
        by_contract=by_contract,
        by_site=by_site,
        # Every incident has a status: their counts add up to all of them.
        total=sum(by_status.values()),
    )
