"""Poison messages, and where each must end up.

Three kinds, published while the system runs:

- ``bad-json``: not JSON at all, on the events exchange. Every queue it reaches must
  dead-letter it (``undecodable envelope``).
- ``unknown-version``: a valid envelope of a type nobody knows (``ticket.updated.v7``).
  Every queue it reaches whose router has no handler for it dead-letters it; a router
  that takes any type (search's journal) keeps it instead.
- ``handler-rejects``: a valid envelope of a known type whose data the handler refuses
  (``RejectEvent``), published straight into search's queue, where the handler reads
  the data itself.

Poisons between valid events, so that they sink a batch, are in ``batch_poison.py``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import aio_pika
from aio_pika.abc import AbstractConnection

from ticketing_common.events.envelope import CONTENT_TYPE
from ticketing_common.messaging.publisher import ConfirmedPublisher

from .routing import Subscriptions, reaches, refused_on_arrival

REJECTED = "rejected"


@dataclass(frozen=True)
class Poison:
    kind: str
    message_id: str
    body: bytes
    event_type: str
    routing_key: str
    # Published into this queue alone, by the default exchange; else on the exchange.
    queue: str | None = None


@dataclass(frozen=True)
class ExpectedDeadLetter:
    queue: str
    message_id: str
    reason: str
    # What the detail starts with, when the suite knows it.
    detail_prefix: str | None


def envelope(event_id: str, event_type: str, data: dict[str, object], correlation: str) -> bytes:
    """A CloudEvents envelope as a producer would publish it."""
    return json.dumps(
        {
            "specversion": "1.0",
            "id": event_id,
            "source": "/tests/failures",
            "type": event_type,
            "time": datetime.now(UTC).isoformat(),
            "datacontenttype": "application/json",
            "correlationid": correlation,
            "data": data,
        }
    ).encode()


def make_poisons(tag: str, *, search_queue: str) -> list[Poison]:
    def poison_envelope(event_type: str, data: dict[str, object]) -> bytes:
        return envelope(f"poison-{tag}-{uuid.uuid4().hex[:8]}", event_type, data, f"poison-{tag}")

    def message_id(body: bytes) -> str:
        return str(json.loads(body)["id"])

    unknown = poison_envelope("ticket.updated.v7", {"anything": "goes"})
    invalid = poison_envelope("incident.declared.v1", {"declaration_id": f"poison-{tag}"})
    return [
        Poison("bad-json", f"poison-{tag}-json-1", b"{not json", "incident.declared.v1",
               "incident.declared"),
        Poison("bad-json", f"poison-{tag}-json-2", b"\xff\xfe binary", "ticket.updated.v1",
               "ticket.updated"),
        Poison("unknown-version", message_id(unknown), unknown, "ticket.updated.v7",
               "ticket.updated"),
        Poison("handler-rejects", message_id(invalid), invalid, "incident.declared.v1",
               "incident.declared", queue=search_queue),
    ]  # fmt: skip


def expected_dead_letters(poison: Poison, subscriptions: Subscriptions) -> list[ExpectedDeadLetter]:
    if poison.queue is not None:
        return [ExpectedDeadLetter(poison.queue, poison.message_id, REJECTED, None)]
    expected = []
    for name, (spec, router) in sorted(subscriptions.items()):
        if not reaches(spec, poison.routing_key):
            continue
        why = refused_on_arrival(poison.body, router)
        if why is not None:
            prefix = why.split(":")[0] if poison.kind == "bad-json" else why
            expected.append(ExpectedDeadLetter(name, poison.message_id, REJECTED, prefix))
    return expected


async def publish(connection: AbstractConnection, poison: Poison) -> None:
    """Confirmed by the broker, like any producer's message."""
    if poison.queue is not None:
        await publish_into_queue(
            connection, poison.queue, [Outgoing(poison.message_id, poison.body, poison.event_type)]
        )
        return
    publisher = ConfirmedPublisher(connection)
    try:
        await publisher.publish(
            routing_key=poison.routing_key,
            body=poison.body,
            message_id=poison.message_id,
            event_type=poison.event_type,
        )
    finally:
        await publisher.close()


@dataclass(frozen=True)
class Outgoing:
    """A message the suite puts straight into a queue."""

    message_id: str
    body: bytes
    event_type: str


async def publish_into_queue(
    connection: AbstractConnection, queue: str, messages: Sequence[Outgoing]
) -> None:
    """Into ``queue`` alone (the default exchange), in their order, each confirmed by the
    broker before the next goes."""
    channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
    try:
        for message in messages:
            await channel.default_exchange.publish(
                aio_pika.Message(
                    body=message.body,
                    message_id=message.message_id,
                    type=message.event_type,
                    content_type=CONTENT_TYPE,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                ),
                routing_key=queue,
                mandatory=True,
            )
    finally:
        await channel.close()
