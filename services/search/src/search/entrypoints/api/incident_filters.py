"""The query parameters that narrow the incident list, its summary and its cursor."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import AwareDatetime

from search.domain.filters import IncidentFilters
from search.domain.status import IncidentStatus
from search.entrypoints.api.query_values import QueryErrors, in_utc
from ticketing_common.reference import Priority
from ticketing_common.web.problems import invalid
from ticketing_common.web.query import NO_CONTROL_CHARACTERS


def _several(description: str, values: list[str] | None = None) -> Any:
    extra = {"items": {"type": "string", "enum": values}} if values else None
    return Query(
        description=f"{description} Repeat the parameter for several.", json_schema_extra=extra
    )


# async: FastAPI runs a plain ``def`` dependency in its thread pool, a hand-off per
# request for work that never blocks.
async def incident_filters(
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=NO_CONTROL_CHARACTERS,
            description="Words of the reference or the description (French or English), "
            'part of the reference, or part of the ticket number ("1234"); case and '
            "accents are ignored.",
        ),
    ] = None,
    status: Annotated[
        list[str] | None,
        _several("Statuses.", [status.value for status in IncidentStatus]),
    ] = None,
    open_: Annotated[
        bool | None,
        Query(
            alias="open",
            description="true: registering, new, acknowledged, in progress or pending the "
            "customer; false: resolved, closed or cancelled.",
        ),
    ] = None,
    contract: Annotated[list[str] | None, _several("Contract ids.")] = None,
    element: Annotated[list[str] | None, _several("Park element ids.")] = None,
    site: Annotated[list[str] | None, _several("Site ids.")] = None,
    priority: Annotated[
        list[str] | None, _several("Priorities.", [priority.value for priority in Priority])
    ] = None,
    occurred_from: Annotated[
        AwareDatetime | None,
        Query(alias="from", description="Incidents that occurred at or after this time."),
    ] = None,
    occurred_to: Annotated[
        AwareDatetime | None,
        Query(alias="to", description="Incidents that occurred before this time."),
    ] = None,
    recent: Annotated[
        bool,
        Query(description="Only incidents with a change in the last 7 days."),
    ] = False,
    org: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=NO_CONTROL_CHARACTERS,
            description="Operations: one organization. A customer naming another "
            "organization than theirs gets nothing.",
        ),
    ] = None,
) -> IncidentFilters:
    errors = QueryErrors()
    statuses = errors.choices("status", status, IncidentStatus)
    priorities = errors.choices("priority", priority, Priority)
    contracts = errors.identifiers("contract", contract)
    elements = errors.identifiers("element", element)
    sites = errors.identifiers("site", site)
    errors.raise_if_any()
    start = in_utc("from", occurred_from)
    end = in_utc("to", occurred_to)
    if start is not None and end is not None and end <= start:
        raise invalid("to", "must be later than from", location="query")
    return IncidentFilters(
        text=q,
        statuses=statuses,
        open=open_,
        contract_ids=contracts,
        element_ids=elements,
        site_ids=sites,
        priorities=priorities,
        occurred_from=start,
        occurred_to=end,
        recent=recent,
        org_id=org,
    )
