"""Events that cross the real broker reach the list: both types are consumed, none is
dead-lettered."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from ticketing_common.db.messaging_tables import inbox
from ticketing_common.messaging.publisher import ConfirmedPublisher
from ticketing_common.messaging.topology import QUEUES
from ticketing_common.reference import TicketStatus

from .conftest import Search
from .factories import AnyEvent, ticket_updated
from .tenants import Tenant


async def publish(search: Search, *events: AnyEvent) -> None:
    assert search.runtime.connection is not None
    publisher = ConfirmedPublisher(search.runtime.connection)
    try:
        for event in events:
            await publisher.publish(
                routing_key=event.data.routing_key,
                body=event.to_json_bytes(),
                message_id=event.id,
                event_type=event.type,
                correlation_id=event.correlationid,
            )
    finally:
        await publisher.close()


async def wait_for_item(
    search: Search, headers: dict[str, str], declaration_id: str, status: str
) -> dict[str, Any]:
    async with asyncio.timeout(20):
        while True:
            response = await search.client.get("/v1/incidents", headers=headers)
            for item in response.json()["items"]:
                if item["declaration_id"] == declaration_id and item["status"] == status:
                    found: dict[str, Any] = item
                    return found
            await asyncio.sleep(0.1)


async def wait_until_consumed(search: Search, event_ids: set[str]) -> None:
    statement = select(func.count()).where(inbox.c.event_id.in_(sorted(event_ids)))
    async with asyncio.timeout(20):
        while True:
            async with search.runtime.session_factory() as session:
                if await session.scalar(statement) == len(event_ids):
                    return
            await asyncio.sleep(0.1)


async def dead_letters(search: Search) -> int:
    assert search.runtime.connection is not None
    channel = await search.runtime.connection.channel()
    try:
        queue = await channel.declare_queue(QUEUES["search"].dead_letter_queue, passive=True)
        count = queue.declaration_result.message_count
        assert count is not None
        return count
    finally:
        await channel.close()


async def test_published_events_are_applied_in_any_order(search: Search) -> None:
    tenant = Tenant()
    event = tenant.declaration()
    ticket = ticket_updated(event.data, version=1)
    resolved = ticket_updated(event.data, version=2, status=TicketStatus.RESOLVED)

    await publish(search, event)
    await wait_for_item(search, tenant.manager(), event.data.declaration_id, "registering")

    # The newer version first, then the older one and a redelivery of the declaration.
    await publish(search, resolved, ticket, event)
    await wait_until_consumed(search, {event.id, ticket.id, resolved.id})
    item = await wait_for_item(search, tenant.manager(), event.data.declaration_id, "resolved")
    assert item["ticket_number"] == resolved.data.ticket.ticket_number
    assert await dead_letters(search) == 0
