"""Writing events into the outbox, in the same transaction as the change they report."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.db.messaging_tables import outbox
from ticketing_common.events.envelope import CloudEvent

# Built once (bench/RESULTS.md: building a statement costs about as much as running it).
_INSERT = outbox.insert()


def outbox_row(event: CloudEvent[Any]) -> dict[str, Any]:
    """The outbox row of ``event``: for handlers writing it in a statement of their own."""
    return {
        "event_id": event.id,
        "event_type": event.type,
        "routing_key": event.data.routing_key,
        "correlation_id": event.correlationid,
        "body": event.to_json_bytes(),
    }


async def add_to_outbox(session: AsyncSession, event: CloudEvent[Any]) -> None:
    """Queue ``event`` for publication once the surrounding transaction commits."""
    await session.execute(_INSERT, outbox_row(event))
