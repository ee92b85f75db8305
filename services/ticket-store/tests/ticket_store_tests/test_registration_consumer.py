"""Declarations through the real broker and the service's consumer, in batches."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from ticket_store.adapters.tables import Ticket
from ticket_store.bootstrap import event_router
from ticket_store.runtime import TicketStoreRuntime
from ticketing_common.db.messaging_tables import outbox
from ticketing_common.events import CloudEvent, new_event
from ticketing_common.messaging.consumer import EventConsumer
from ticketing_common.messaging.publisher import ConfirmedPublisher
from ticketing_common.messaging.topology import QUEUES

from .support import declared


async def registered(runtime: TicketStoreRuntime, declaration_ids: set[str]) -> tuple[int, int]:
    """(tickets, events) of these declarations."""
    async with runtime.session_factory() as session:
        tickets = await session.scalar(
            select(func.count()).where(Ticket.declaration_id.in_(declaration_ids))
        )
        events = await session.scalar(
            select(func.count()).where(outbox.c.correlation_id.in_(declaration_ids))
        )
    return int(tickets or 0), int(events or 0)


async def test_declarations_published_together_become_one_ticket_each(
    runtime: TicketStoreRuntime,
) -> None:
    assert runtime.connection is not None
    events: list[CloudEvent[Any]] = [declared() for _ in range(30)]
    # Replays under new event ids, among the first deliveries.
    replays = [
        new_event(event.data, source="/tests", correlation_id=event.correlationid)
        for event in events[:5]
    ]
    publisher = ConfirmedPublisher(runtime.connection)
    for event in [*events[:15], *replays, *events[15:]]:
        await publisher.publish(
            routing_key=event.data.routing_key,
            body=event.to_json_bytes(),
            message_id=event.id,
            event_type=event.type,
            correlation_id=event.correlationid,
        )
    await publisher.close()
    consumer = EventConsumer(
        connection=runtime.connection,
        spec=QUEUES["ticket-store"],
        router=event_router(runtime.desk),
        session_factory=runtime.session_factory,
        prefetch=100,
        batch_size=50,
    )
    await consumer.start()
    declarations = {event.data.declaration_id for event in events}
    try:
        async with asyncio.timeout(15):
            while await registered(runtime, declarations) != (30, 30):
                await asyncio.sleep(0.05)
    finally:
        await consumer.stop()
    # Nothing more came after: one ticket and one announcement per declaration.
    assert await registered(runtime, declarations) == (30, 30)
