"""The query parameters that narrow the incident list and its summary."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Query
from pydantic import AwareDatetime

from search.domain.filters import IncidentFilters
from search.domain.status import IncidentStatus
from ticketing_common.reference import Priority
from ticketing_common.web.problems import invalid

# PostgreSQL refuses NUL in text: without this, such a value would be a 500, not a 422.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"

Identifier = Annotated[str | None, Query(max_length=100, pattern=NO_CONTROL_CHARACTERS)]


def incident_filters(
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=NO_CONTROL_CHARACTERS,
            description="Part of the ticket number, the customer's reference or the "
            "description; case and accents are ignored.",
        ),
    ] = None,
    status: Annotated[IncidentStatus | None, Query()] = None,
    contract: Identifier = None,
    element: Identifier = None,
    priority: Annotated[Priority | None, Query()] = None,
    occurred_from: Annotated[
        AwareDatetime | None,
        Query(alias="from", description="Incidents that occurred at or after this time."),
    ] = None,
    occurred_to: Annotated[
        AwareDatetime | None,
        Query(alias="to", description="Incidents that occurred before this time."),
    ] = None,
    org: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=NO_CONTROL_CHARACTERS,
            description="Operations only: one organization.",
        ),
    ] = None,
) -> IncidentFilters:
    start = _in_utc("from", occurred_from)
    end = _in_utc("to", occurred_to)
    if start is not None and end is not None and end <= start:
        raise invalid("to", "must be later than from", location="query")
    return IncidentFilters(
        text=q,
        status=status,
        contract_id=contract,
        element_id=element,
        priority=priority,
        occurred_from=start,
        occurred_to=end,
        org_id=org,
    )


def _in_utc(field: str, value: datetime | None) -> datetime | None:
    """The time in UTC; a time whose UTC falls off the calendar (year 0 or 10000) is
    refused here rather than failing in the database driver."""
    if value is None:
        return None
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise invalid(field, "out of the supported range", location="query") from exc
