"""Appending a batch's journal entries and changes: one statement for both feeds, the
feed-order lock taken inside it (``adapters/feed_order.py``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters.feed_order import in_feed_order
from search.adapters.json_rows import json_array, json_recordset
from search.adapters.tables import IncidentChange, JournalEntry
from search.domain.changes import ChangeEntry
from search.domain.journal import JournalRecord

JOURNAL: Table = JournalEntry.__table__  # type: ignore[assignment]
CHANGES: Table = IncidentChange.__table__  # type: ignore[assignment]

_JOURNAL_COLUMNS = tuple(JournalRecord.__dataclass_fields__)
_CHANGE_COLUMNS = tuple(ChangeEntry.__dataclass_fields__)
_JOURNAL_ROWS = json_recordset(
    (JOURNAL.c[name] for name in _JOURNAL_COLUMNS), name="journal_rows", parameter="journal"
)
_CHANGE_ROWS = json_recordset(
    (CHANGES.c[name] for name in _CHANGE_COLUMNS), name="change_rows", parameter="changes"
)
# The inbox already keeps an event from being applied twice; the unique event id is
# the backstop.
_APPEND_TO_JOURNAL = (
    insert(JOURNAL)
    .from_select(list(_JOURNAL_COLUMNS), in_feed_order(_JOURNAL_ROWS, _JOURNAL_COLUMNS))
    .on_conflict_do_nothing(index_elements=[JOURNAL.c.event_id])
)
_APPEND_CHANGES = insert(CHANGES).from_select(
    list(_CHANGE_COLUMNS), in_feed_order(_CHANGE_ROWS, _CHANGE_COLUMNS)
)
_APPEND_BOTH = _APPEND_CHANGES.add_cte(_APPEND_TO_JOURNAL.cte("journal"))


async def append_to_feeds(
    session: AsyncSession, journal: Sequence[JournalRecord], changes: Sequence[ChangeEntry]
) -> None:
    """Journal entries and changes, each in their order; the last write before the
    commit, as the feed-order lock wants."""
    parameters: dict[str, str] = {}
    if journal:
        parameters["journal"] = json_array([record.__dict__ for record in journal])
    if changes:
        parameters["changes"] = json_array([entry.__dict__ for entry in changes])
    # A feed's table is left alone when nothing is added to it: its statement trigger
    # would wake every replica's feed for nothing.
    statement = (
        _APPEND_BOTH if journal and changes else _APPEND_TO_JOURNAL if journal else _APPEND_CHANGES
    )
    if parameters:
        await session.execute(statement, parameters)
