"""The broker topology of the contract, declared by every service at start-up.

Every service declares all of it (idempotently), so an event published before its
consumers first started still finds its queues, and ``mandatory`` publishing only
fails on a real misconfiguration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange
from pamqp.common import FieldTable

EVENTS_EXCHANGE: Final = "ticketing.events"
DEAD_LETTER_EXCHANGE: Final = "ticketing.dead-letter"
# Broker-side backstop: a message delivered this many times without an ack (a
# consumer that crashes on it, say) is dead-lettered by RabbitMQ itself. Consumers
# dead-letter failing messages earlier, with the reason (``handler_max_attempts``).
DELIVERY_LIMIT: Final = 10


@dataclass(frozen=True)
class QueueSpec:
    """A consuming service's queue, what it is bound to, and its dead-letter queue."""

    name: str
    routing_keys: tuple[str, ...]

    @property
    def dead_letter_queue(self) -> str:
        return f"{self.name}.dead-letter"


QUEUES: Final[dict[str, QueueSpec]] = {
    # Intake learns the ticket number of each declaration it accepted.
    "intake": QueueSpec("intake.events", ("ticket.updated",)),
    "ticket-store": QueueSpec("ticket-store.events", ("incident.declared",)),
    # Search keeps a journal of every event that crosses the broker, whatever its type,
    # and projects the types it knows (its router takes any type: nothing unknown is
    # dead-lettered there).
    "search": QueueSpec("search.events", ("#",)),
    "notification": QueueSpec("notification.events", ("incident.declared", "ticket.updated")),
}


def queue_arguments(spec: QueueSpec) -> FieldTable:
    return {
        "x-queue-type": "quorum",
        "x-delivery-limit": DELIVERY_LIMIT,
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        "x-dead-letter-routing-key": spec.name,
        # Dead-lettering waits for the dead-letter queue's confirm: nothing is lost
        # between the two queues. RabbitMQ requires reject-publish overflow for it.
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


DEAD_LETTER_QUEUE_ARGUMENTS: Final[FieldTable] = {"x-queue-type": "quorum"}


async def declare_exchanges(channel: AbstractChannel) -> AbstractExchange:
    events = await channel.declare_exchange(
        EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
    )
    await channel.declare_exchange(DEAD_LETTER_EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True)
    return events


async def declare_queue(channel: AbstractChannel, spec: QueueSpec) -> None:
    dead_letters = await channel.declare_queue(
        spec.dead_letter_queue, durable=True, arguments=DEAD_LETTER_QUEUE_ARGUMENTS
    )
    await dead_letters.bind(DEAD_LETTER_EXCHANGE, routing_key=spec.name)
    queue = await channel.declare_queue(spec.name, durable=True, arguments=queue_arguments(spec))
    for routing_key in spec.routing_keys:
        await queue.bind(EVENTS_EXCHANGE, routing_key=routing_key)


async def declare_topology(
    channel: AbstractChannel, queues: dict[str, QueueSpec] | None = None
) -> None:
    await declare_exchanges(channel)
    for spec in (queues or QUEUES).values():
        await declare_queue(channel, spec)
