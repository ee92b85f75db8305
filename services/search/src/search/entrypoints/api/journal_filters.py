"""The query parameters that narrow the event journal and its live tail."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from fastapi import Query
from pydantic import AwareDatetime

from search.domain.journal_filters import JournalFilters
from search.entrypoints.api.query_values import QueryErrors, in_utc
from ticketing_common.web.problems import invalid
from ticketing_common.web.query import NO_CONTROL_CHARACTERS

_EVENT_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


# async: FastAPI runs a plain ``def`` dependency in its thread pool, a hand-off per
# request for work that never blocks.
async def journal_filters(
    ticket: Annotated[
        str | None,
        Query(
            max_length=20,
            pattern=NO_CONTROL_CHARACTERS,
            description="A ticket number: every event of its declaration.",
        ),
    ] = None,
    event_types: Annotated[
        list[str] | None,
        Query(
            alias="type",
            description="Event types (incident.declared.v1, ...). Repeat for several.",
        ),
    ] = None,
    correlation_id: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=NO_CONTROL_CHARACTERS,
            description="The declaration id every event of an incident carries.",
        ),
    ] = None,
    org: Annotated[
        str | None,
        Query(max_length=100, pattern=NO_CONTROL_CHARACTERS, description="One organization."),
    ] = None,
) -> JournalFilters:
    errors = QueryErrors()
    types = errors.identifiers("type", event_types)
    if any(not _EVENT_TYPE.fullmatch(value) for value in types):
        errors.add("type", "an event type is letters, digits, dots, dashes and underscores")
    errors.raise_if_any()
    return JournalFilters(
        ticket_number=ticket, types=types, correlation_id=correlation_id, org_id=org
    )


@dataclass(frozen=True)
class JournalWindow:
    time_after: datetime | None
    time_before: datetime | None
    newest_first: bool


# async: FastAPI runs a plain ``def`` dependency in its thread pool, a hand-off per
# request for work that never blocks.
async def journal_window(
    after: Annotated[
        AwareDatetime | None, Query(description="Events whose time is at or after this.")
    ] = None,
    before: Annotated[
        AwareDatetime | None, Query(description="Events whose time is before this.")
    ] = None,
    order: Annotated[
        Literal["asc", "desc"],
        Query(description="asc: in the order they were recorded; desc: newest first."),
    ] = "asc",
) -> JournalWindow:
    start, end = in_utc("after", after), in_utc("before", before)
    if start is not None and end is not None and end <= start:
        raise invalid("before", "must be later than after", location="query")
    return JournalWindow(start, end, order == "desc")
