"""Events that cross the real broker reach the list: both types are consumed, none is
dead-lettered."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from sqlalchemy import func, select

from search.adapters.tables import Incident, JournalEntry
from ticketing_common.db.messaging_tables import inbox
from ticketing_common.messaging.publisher import ConfirmedPublisher
from ticketing_common.messaging.topology import QUEUES
from ticketing_common.reference import TicketStatus

from .conftest import Search
from .factories import AnyEvent, ticket_updated
from .live import open_stream
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


async def test_every_event_is_journaled_and_an_unknown_type_is_not_dead_lettered(
    search: Search,
) -> None:
    """The queue is bound to every routing key: a type search has no model for is
    journaled whole, not projected and not dead-lettered; data a known type cannot be
    read as is dead-lettered and not journaled."""
    tenant = Tenant()
    event = tenant.declaration()
    body = json.loads(event.to_json_bytes())
    unknown = {
        **body,
        "id": str(uuid.uuid4()),
        "type": "site.moved.v1",
        "data": {"site_id": "SITE-LYON", "org_id": tenant.org_id, "future": {"x": [1]}},
    }
    broken = {**body, "id": str(uuid.uuid4()), "type": "ticket.updated.v1", "data": {}}
    dead_before = await dead_letters(search)
    await publish_raw(search, "site.moved", unknown)
    await publish_raw(search, "ticket.updated", broken)
    await publish(search, event)
    await wait_until_consumed(search, {unknown["id"], event.id})

    async with search.runtime.session_factory() as session:
        entries = {
            entry.event_id: entry
            for entry in await session.scalars(
                select(JournalEntry).where(
                    JournalEntry.event_id.in_([unknown["id"], broken["id"], event.id])
                )
            )
        }
        assert await session.get(Incident, event.data.declaration_id) is not None
    assert set(entries) == {unknown["id"], event.id}
    assert entries[unknown["id"]].envelope == unknown
    assert entries[unknown["id"]].org_id == tenant.org_id
    async with asyncio.timeout(20):
        while await dead_letters(search) < dead_before + 1:
            await asyncio.sleep(0.1)
    assert await dead_letters(search) == dead_before + 1


async def publish_raw(search: Search, routing_key: str, body: dict[str, Any]) -> None:
    assert search.runtime.connection is not None
    publisher = ConfirmedPublisher(search.runtime.connection)
    try:
        await publisher.publish(
            routing_key=routing_key,
            body=json.dumps(body).encode(),
            message_id=body["id"],
            event_type=body["type"],
            correlation_id=body["correlationid"],
        )
    finally:
        await publisher.close()


async def test_a_customer_watches_its_declaration_appear_and_change_live(
    search: Search, search_url: str
) -> None:
    """Through the real broker: the declaration, then the agent's change, each reach the
    customer's open stream as they are consumed."""
    tenant = Tenant()
    event = tenant.declaration()
    async with open_stream(search_url, "/v1/incidents/stream", tenant.visitor(1)) as stream:
        assert (await stream.next_event()).event == "ready"
        await publish(search, event)
        appeared = (await stream.next_event(timeout=20)).json()
        assert appeared["incident"]["status"] == "registering"
        await publish(
            search,
            ticket_updated(event.data, version=1),
            ticket_updated(event.data, version=2, status=TicketStatus.IN_PROGRESS),
        )
        statuses = [(await stream.next_event(timeout=20)).json()["incident"]["status"]]
        if statuses[0] != "in_progress":
            statuses.append((await stream.next_event(timeout=20)).json()["incident"]["status"])
        assert statuses[-1] == "in_progress"
