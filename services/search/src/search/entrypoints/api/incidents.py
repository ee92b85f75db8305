"""``/v1/incidents``: the customers' incident list, newest change first, and its figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from search.adapters import incident_queries
from search.domain.filters import IncidentFilters
from search.domain.views import IncidentItem, IncidentSummary
from search.domain.visibility import incident_item, reader_of
from search.entrypoints.api.incident_cursor import cursor_after, position_of
from search.entrypoints.api.incident_filters import incident_filters
from search.services import Services
from ticketing_common.auth.principal import CUSTOMER_ROLES, OPERATIONS_ROLES
from ticketing_common.web.access import CurrentPrincipal, Scope, access
from ticketing_common.web.dependencies import ReadSession, ReadTransaction
from ticketing_common.web.paging import DEFAULT_LIMIT, Cursor, Limit, Page

router = APIRouter(prefix="/v1/incidents", tags=["incidents"])

READERS = CUSTOMER_ROLES | OPERATIONS_ROLES
Filters = Annotated[IncidentFilters, Depends(incident_filters)]


# Declared before any "/{id}" route a later version adds, so "summary" is never an id.
@router.get("/summary", **access(READERS, Scope.PERIMETER))
async def incident_summary(
    caller: CurrentPrincipal, session: ReadSession, services: Services, filters: Filters
) -> IncidentSummary:
    """Counts by status, priority, contract and site, and each site's place and open
    incidents: the dashboard and the map, for the same filters as the list."""
    return await incident_queries.summarize(session, caller, filters, now=services.clock())


@router.get("", **access(READERS, Scope.PERIMETER))
async def list_incidents(
    caller: CurrentPrincipal,
    # A transaction: the full-text probe sets its planner settings with SET LOCAL.
    session: ReadTransaction,
    services: Services,
    filters: Filters,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[IncidentItem]:
    rows = await incident_queries.list_incidents(
        session,
        caller,
        filters,
        now=services.clock(),
        after=position_of(cursor, filters),
        limit=limit,
    )
    page = rows[:limit]
    reader = reader_of(caller, agent_names_for_customers=not services.settings.hide_agent_names)
    return Page[IncidentItem](
        items=[incident_item(row, reader) for row in page],
        next_cursor=cursor_after(page[-1], filters) if len(rows) > limit else None,
    )
