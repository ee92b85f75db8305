"""The incident list's cursor: the (updated_at, declaration_id) of a page's last row."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from search.adapters.incident_queries import ListPosition
from search.adapters.tables import Incident
from ticketing_common.web.paging import decode_cursor, encode_cursor
from ticketing_common.web.problems import invalid

# What a declaration id may be; anything else (NUL above all, which PostgreSQL
# refuses) did not come from this list.
_DECLARATION_ID = re.compile(r"[^\x00-\x1f\x7f]{1,100}")


def cursor_after(row: Incident) -> str:
    # isoformat keeps the microseconds, so the position is exact.
    return encode_cursor([row.updated_at.isoformat(), row.declaration_id])


def position_of(cursor: str | None) -> ListPosition | None:
    """The position a cursor names; 422 naming ``cursor`` when it names none."""
    values = decode_cursor(cursor, 2)
    if values is None:
        return None
    updated_at, declaration_id = values
    if not isinstance(updated_at, str) or not isinstance(declaration_id, str):
        raise _not_ours()
    if not _DECLARATION_ID.fullmatch(declaration_id):
        raise _not_ours()
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
