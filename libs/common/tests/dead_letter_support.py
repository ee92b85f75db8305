"""What the dead-letter tests share: a queue of their own, a consumer, waiting."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aio_pika.abc import AbstractConnection
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.db.engine import SessionFactory
from ticketing_common.events import CloudEvent, IncidentDeclaredV1
from ticketing_common.messaging.consumer import EventConsumer, EventRouter, RejectEvent
from ticketing_common.messaging.publisher import ConfirmedPublisher
from ticketing_common.messaging.topology import QueueSpec, declare_exchanges, declare_queue

from .factories import declared_event


def new_spec() -> QueueSpec:
    return QueueSpec(f"test-{uuid.uuid4().hex[:8]}.events", ("incident.declared",))


async def declare(connection: AbstractConnection, spec: QueueSpec) -> None:
    channel = await connection.channel()
    await declare_exchanges(channel)
    await declare_queue(channel, spec)
    await channel.close()


async def delete(connection: AbstractConnection, spec: QueueSpec) -> None:
    channel = await connection.channel()
    await channel.queue_delete(spec.name)
    await channel.queue_delete(spec.dead_letter_queue)
    await channel.close()


class Gate:
    """A handler that refuses events (``RejectEvent``) until it is opened, and counts
    what it applied."""

    def __init__(self) -> None:
        self.open = False
        self.applied: list[str] = []

    async def __call__(self, _session: AsyncSession, event: CloudEvent[Any]) -> None:
        if not self.open:
            raise RejectEvent(f"refused {event.data.customer_reference}")
        self.applied.append(event.id)


def consumer_for(
    connection: AbstractConnection,
    spec: QueueSpec,
    session_factory: SessionFactory,
    handler: Callable[[AsyncSession, CloudEvent[Any]], Awaitable[None]],
) -> EventConsumer:
    router = EventRouter()
    router.on(IncidentDeclaredV1, handler)
    return EventConsumer(
        connection=connection,
        spec=spec,
        router=router,
        session_factory=session_factory,
        prefetch=10,
        max_attempts=2,
        retry_base_seconds=0.01,
        retry_max_seconds=0.05,
    )


async def publish_event(connection: AbstractConnection, reference: str) -> CloudEvent[Any]:
    event = declared_event(customer_reference=reference)
    await publish_raw(connection, event.to_json_bytes(), event.id)
    return event


async def publish_raw(
    connection: AbstractConnection,
    body: bytes,
    message_id: str,
    routing_key: str = "incident.declared",
) -> None:
    publisher = ConfirmedPublisher(connection)
    await publisher.publish(
        routing_key=routing_key, body=body, message_id=message_id, event_type="incident.declared.v1"
    )
    await publisher.close()


async def wait_for(probe: Callable[[], Awaitable[bool]], timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await probe():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def message_count(connection: AbstractConnection, queue: str) -> int:
    channel = await connection.channel()
    try:
        declared = await channel.declare_queue(queue, passive=True)
        return declared.declaration_result.message_count or 0
    finally:
        await channel.close()
