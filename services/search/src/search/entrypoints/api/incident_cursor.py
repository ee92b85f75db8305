"""The incident list's cursor: the (updated_at, declaration_id) of a page's last row,
and the query it belongs to."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from search.adapters.incident_queries import ListPosition
from search.domain.filters import IncidentFilters
from ticketing_common.web.paging import decode_cursor, encode_cursor
from ticketing_common.web.problems import invalid

# What a declaration id may be; anything else (NUL above all, which PostgreSQL
# refuses) did not come from this list.
_DECLARATION_ID = re.compile(r"[^\x00-\x1f\x7f]{1,100}")


def cursor_after(row: Mapping[str, Any], filters: IncidentFilters) -> str:
    updated_at: datetime = row["updated_at"]
    # isoformat keeps the microseconds, so the position is exact.
    return encode_cursor([updated_at.isoformat(), row["declaration_id"], filters.fingerprint()])


def position_of(cursor: str | None, filters: IncidentFilters) -> ListPosition | None:
    """The position a cursor names; 422 naming ``cursor`` when it names none, or
    belongs to another query."""
    values = decode_cursor(cursor, 3)
    if values is None:
        return None
    updated_at, declaration_id, fingerprint = values
    if not all(isinstance(value, str) for value in values):
        raise _not_ours()
    if not _DECLARATION_ID.fullmatch(declaration_id):
        raise _not_ours()
    if fingerprint != filters.fingerprint():
        raise invalid(
            "cursor",
            "this cursor belongs to a list with other filters; start again without it",
            location="query",
        )
    try:
        parsed = datetime.fromisoformat(updated_at)
        if parsed.tzinfo is None:
            raise _not_ours()
        # In UTC now: a time at the edge of the calendar fails here, not in the driver.
        return ListPosition(parsed.astimezone(UTC), declaration_id)
    except (ValueError, OverflowError) as exc:
        raise _not_ours() from exc


def _not_ours() -> Exception:
    return invalid("cursor", "not a cursor of this list", location="query")
