"""The inbox: one row per event id a consumer has applied."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.db.messaging_tables import inbox

# Built once: every event every consumer applies goes through it, and building a
# statement costs about as much CPU as running it (bench/RESULTS.md). The ids travel as
# two arrays, so a batch of any size is this one statement, one round trip.
_RECORD = text(
    f"INSERT INTO {inbox.name} (event_id, event_type, queue) "  # noqa: S608 - a table name
    "SELECT event_id, event_type, :queue "
    "FROM unnest(CAST(:event_ids AS varchar[]), CAST(:event_types AS varchar[])) "
    "AS given(event_id, event_type) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
)


async def record_first_deliveries(
    session: AsyncSession, events: Sequence[tuple[str, str]], *, queue: str
) -> set[str]:
    """Record ``(event_id, event_type)`` pairs in the current transaction; the ids that
    were not applied before (an id given twice is new once).

    A concurrent transaction recording one of the ids makes this one wait for it, then
    leaves that id out once it commits: two deliveries racing apply the event once.
    """
    if not events:
        return set()
    result = await session.execute(
        _RECORD,
        {
            "queue": queue,
            "event_ids": [event_id for event_id, _type in events],
            "event_types": [event_type for _id, event_type in events],
        },
    )
    return set(result.scalars())
