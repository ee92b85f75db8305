"""Ids of the change log and the journal increase in commit order.

A stream resumes "after id N", so an id must never become visible after a larger one:
otherwise a client that saw N+1 would never see N. Identity values are handed out when
rows are inserted, not when they commit, so two transactions could commit out of
order. Every writer of those two tables therefore takes one transaction-level advisory
lock just before inserting, as the last thing before its commit: the next writer gets
its ids only after this one has committed. The lock is held for an insert and a commit,
so it costs throughput only at commit rates far above this service's.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Any constant of search's own database.
FEED_ORDER_LOCK = 5_004_001


async def hold_feed_order(session: AsyncSession) -> None:
    """Serialize with every other writer of the feeds until this transaction ends."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_ORDER_LOCK})
