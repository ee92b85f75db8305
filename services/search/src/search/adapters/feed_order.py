"""Ids of the change log and the journal increase in commit order.

A stream resumes "after id N", so an id must never become visible after a larger one:
otherwise a client that saw N+1 would never see N. Identity values are handed out when
rows are inserted, not when they commit, so two transactions could commit out of
order. Every writer of those two tables therefore takes one transaction-level advisory
lock just before inserting, as the last thing before its commit: the next writer gets
its ids only after this one has committed. The lock is held for an insert and a
commit, so it costs throughput only at commit rates far above this service's.

The consumer takes the lock inside its insert statement (``in_feed_order``), saving a
round trip per batch; the rebuild, which swaps tables under it, takes it on its own
(``hold_feed_order``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, TableValuedAlias, func, literal_column, select, text, true
from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters.json_rows import POSITION

# Any constant of search's own database.
FEED_ORDER_LOCK = 5_004_001

# One row, read once per statement (a CTE with a volatile function is materialized):
# reading it waits for the lock.
_HELD = select(func.pg_advisory_xact_lock(literal_column(str(FEED_ORDER_LOCK))).label("held")).cte(
    "feed_order"
)


async def hold_feed_order(session: AsyncSession) -> None:
    """Serialize with every other writer of the feeds until this transaction ends."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_ORDER_LOCK})


def in_feed_order(rows: TableValuedAlias, columns: Sequence[str]) -> Select[tuple[object, ...]]:
    """``rows``' ``columns`` in their batch's order, for an ``INSERT ... SELECT`` into a
    feed: each row is joined to the lock's, so none reaches the insert (and gets its
    id) before the lock is held, in whichever order PostgreSQL runs the statement's
    parts."""
    return (
        select(*(rows.c[name] for name in columns))
        .select_from(rows.join(_HELD, true()))
        .order_by(rows.c[POSITION])
    )
