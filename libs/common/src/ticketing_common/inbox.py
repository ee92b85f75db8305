"""The inbox: one row per event id a consumer has applied."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.db.messaging_tables import inbox

# Built once: every event every consumer applies goes through it, and building the
# statement cost about as much CPU as running it (bench/RESULTS.md).
_RECORD = (
    insert(inbox)
    .on_conflict_do_nothing(index_elements=[inbox.c.event_id])
    .returning(inbox.c.event_id)
)


async def record_first_delivery(
    session: AsyncSession, *, event_id: str, event_type: str, queue: str
) -> bool:
    """Record the event in the current transaction; False if it was applied before.

    A concurrent transaction recording the same id makes this one wait for it, then
    answer False once it commits: two deliveries racing apply the event once.
    """
    result = await session.execute(
        _RECORD, {"event_id": event_id, "event_type": event_type, "queue": queue}
    )
    return result.scalar_one_or_none() is not None
