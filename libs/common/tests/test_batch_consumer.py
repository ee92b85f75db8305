"""The consumer applies what is ready in one transaction, and a failure in a batch costs
no message its own guarantees (against the real RabbitMQ and PostgreSQL)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from typing import Any, ClassVar

import pytest
from aio_pika.abc import AbstractRobustConnection
from prometheus_client import REGISTRY
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.db.engine import SessionFactory
from ticketing_common.events import CloudEvent, EventData, IncidentDeclaredV1, new_event
from ticketing_common.messaging.consumer import (
    REASON_HEADER,
    EventConsumer,
    EventRouter,
    RejectEvent,
)
from ticketing_common.messaging.topology import QueueSpec

from .dead_letter_support import (
    message_count,
    publish_event,
    publish_raw,
    wait_for,
)
from .test_messaging import drain, queue_of


@pytest.fixture
async def effects(session_factory: SessionFactory) -> str:
    """A table where handlers write what they applied: only commits count."""
    table = f"effects_{uuid.uuid4().hex[:8]}"
    async with session_factory.begin() as session:
        await session.execute(text(f"CREATE TABLE {table} (event_id text, reference text)"))
    return table


async def committed(session_factory: SessionFactory, table: str) -> list[str]:
    async with session_factory() as session:
        rows = await session.execute(text(f"SELECT reference FROM {table} ORDER BY reference"))
        return [row.reference for row in rows]


def batch_consumer(
    broker: AbstractRobustConnection,
    spec: QueueSpec,
    session_factory: SessionFactory,
    router: EventRouter,
    **options: Any,
) -> EventConsumer:
    settings: dict[str, Any] = {
        "prefetch": 50,
        "max_attempts": 3,
        "retry_base_seconds": 0.01,
        "retry_max_seconds": 0.05,
        "batch_size": 50,
        # Long enough for every message published before the start to join one batch.
        "batch_wait_seconds": 0.3,
    }
    settings.update(options)
    return EventConsumer(
        connection=broker, spec=spec, router=router, session_factory=session_factory, **settings
    )


def writer(table: str, transactions: list[int] | None = None) -> Any:
    async def write(session: AsyncSession, event: CloudEvent[Any]) -> None:
        if transactions is not None:
            transactions.append(int(await session.scalar(text("SELECT txid_current()"))))
        reference = event.data.customer_reference
        if reference.startswith("poison"):
            raise RejectEvent(f"cannot apply {reference}")
        await session.execute(
            text(f"INSERT INTO {table} VALUES (:e, :r)"), {"e": event.id, "r": reference}
        )

    return write


async def test_the_messages_ready_are_applied_in_one_transaction_in_their_order(
    broker: AbstractRobustConnection, spec: QueueSpec, session_factory: SessionFactory
) -> None:
    seen: list[list[str]] = []

    async def by_batch(session: AsyncSession, events: Sequence[CloudEvent[Any]]) -> None:
        seen.append([event.data.customer_reference for event in events])

    router = EventRouter()
    router.on_batch(IncidentDeclaredV1, by_batch)
    references = [f"ref {number:02d}" for number in range(20)]
    for reference in references:
        await publish_event(broker, reference)
    consumer = batch_consumer(broker, spec, session_factory, router)
    await consumer.start()

    async def all_seen() -> bool:
        return sum(len(run) for run in seen) == 20

    await wait_for(all_seen)
    await consumer.stop()
    assert seen == [references]
    assert await message_count(broker, spec.name) == 0


async def test_a_poison_in_the_middle_of_a_batch_is_dead_lettered_alone(
    broker: AbstractRobustConnection,
    spec: QueueSpec,
    session_factory: SessionFactory,
    effects: str,
) -> None:
    transactions: list[int] = []
    router = EventRouter()
    router.on(IncidentDeclaredV1, writer(effects, transactions))
    references = [f"good {number:02d}" for number in range(9)]
    for reference in references[:4]:
        await publish_event(broker, reference)
    await publish_event(broker, "poison in the middle")
    for reference in references[4:]:
        await publish_event(broker, reference)
    consumer = batch_consumer(broker, spec, session_factory, router)
    fallbacks = REGISTRY.get_sample_value(
        "ticketing_consumer_batch_fallbacks_total", {"queue": spec.name}
    )
    await consumer.start()
    dead_letters = await queue_of(broker, spec.dead_letter_queue)

    async def settled() -> bool:
        return len(await committed(session_factory, effects)) == 9

    await wait_for(settled)
    await wait_for(lambda: _count_is(broker, spec.dead_letter_queue, 1))
    await consumer.stop()
    # Each neighbour applied exactly once, though the first try of the batch rolled back.
    assert await committed(session_factory, effects) == references
    letters = await drain(dead_letters)
    assert len(letters) == 1
    assert (letters[0].headers or {})[REASON_HEADER] == "rejected"
    assert b"poison in the middle" in letters[0].body
    assert await message_count(broker, spec.name) == 0
    # The batch was tried first as a whole (handlers in one transaction), and the
    # fallback is counted for operations.
    assert len(set(transactions[:5])) == 1
    assert (fallbacks or 0) + 1 == REGISTRY.get_sample_value(
        "ticketing_consumer_batch_fallbacks_total", {"queue": spec.name}
    )


async def _count_is(broker: AbstractRobustConnection, queue: str, expected: int) -> bool:
    return await message_count(broker, queue) == expected


async def test_an_event_twice_in_one_batch_is_applied_once(
    broker: AbstractRobustConnection,
    spec: QueueSpec,
    session_factory: SessionFactory,
    effects: str,
) -> None:
    router = EventRouter()
    router.on(IncidentDeclaredV1, writer(effects))
    event = await publish_event(broker, "twice")
    await publish_raw(broker, event.to_json_bytes(), event.id)
    await publish_event(broker, "once")
    consumer = batch_consumer(broker, spec, session_factory, router)
    await consumer.start()
    await wait_for(lambda: _count_is(broker, spec.name, 0))
    await asyncio.sleep(0)
    await consumer.stop()
    assert await committed(session_factory, effects) == ["once", "twice"]


async def test_a_batch_is_held_while_the_database_is_away_then_applied(
    broker: AbstractRobustConnection,
    spec: QueueSpec,
    session_factory: SessionFactory,
    effects: str,
) -> None:
    away = True
    tries = 0

    async def flaky(session: AsyncSession, event: CloudEvent[Any]) -> None:
        nonlocal tries
        tries += 1
        if away and tries <= 4:
            raise ConnectionRefusedError("the database is restarting")
        await writer(effects)(session, event)

    router = EventRouter()
    router.on(IncidentDeclaredV1, flaky)
    for number in range(5):
        await publish_event(broker, f"held {number}")
    consumer = batch_consumer(broker, spec, session_factory, router, max_attempts=2)
    await consumer.start()

    async def applied() -> bool:
        return len(await committed(session_factory, effects)) == 5

    await wait_for(applied)
    await consumer.stop()
    # Four failures of the whole batch, none counted against a message.
    assert await message_count(broker, spec.dead_letter_queue) == 0


class NotedV1(EventData):
    """A second event type, for this test alone, routed like a declaration."""

    event_type: ClassVar[str] = "test.noted.v1"
    routing_key: ClassVar[str] = "incident.declared"

    note: str


async def test_one_batch_handler_of_two_types_takes_their_events_in_one_run(
    broker: AbstractRobustConnection, spec: QueueSpec, session_factory: SessionFactory
) -> None:
    runs: list[list[str]] = []

    async def both(_session: AsyncSession, events: Sequence[CloudEvent[Any]]) -> None:
        runs.append([event.type for event in events])

    router = EventRouter()
    router.on_batch(IncidentDeclaredV1, both)
    router.on_batch(NotedV1, both)
    await publish_event(broker, "first")
    noted = new_event(NotedV1(note="between"), source="/tests", correlation_id="c-1")
    await publish_raw(broker, noted.to_json_bytes(), noted.id)
    await publish_event(broker, "second")
    consumer = batch_consumer(broker, spec, session_factory, router)
    await consumer.start()

    async def seen_all() -> bool:
        return sum(len(run) for run in runs) == 3

    await wait_for(seen_all)
    await consumer.stop()
    assert runs == [["incident.declared.v1", "test.noted.v1", "incident.declared.v1"]]
