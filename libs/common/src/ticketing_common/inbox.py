"""The inbox: one row per event id a consumer has applied."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.db.messaging_tables import inbox


async def record_first_delivery(
    session: AsyncSession, *, event_id: str, event_type: str, queue: str
) -> bool:
    """Record the event in the current transaction; False if it was applied before.

    A concurrent transaction recording the same id makes this one wait for it, then
    answer False once it commits: two deliveries racing apply the event once.
    """
    statement = (
        insert(inbox)
        .values(event_id=event_id, event_type=event_type, queue=queue)
        .on_conflict_do_nothing(index_elements=[inbox.c.event_id])
        .returning(inbox.c.event_id)
    )
    result = await session.execute(statement)
    return result.scalar_one_or_none() is not None
