"""The messaging backbone against the real RabbitMQ and PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aio_pika
import pytest
from aio_pika.abc import AbstractIncomingMessage, AbstractQueue, AbstractRobustConnection
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.db.engine import SessionFactory, asyncpg_dsn
from ticketing_common.db.messaging_tables import outbox
from ticketing_common.db.unit_of_work import UnitOfWork
from ticketing_common.events import CloudEvent, IncidentDeclaredV1
from ticketing_common.messaging.consumer import (
    DETAIL_HEADER,
    QUEUE_HEADER,
    REASON_HEADER,
    EventConsumer,
    EventRouter,
)
from ticketing_common.messaging.publisher import ConfirmedPublisher, PublishFailed
from ticketing_common.messaging.topology import (
    DELIVERY_LIMIT,
    QueueSpec,
    declare_exchanges,
)
from ticketing_common.outbox.relay import OutboxRelay

from .factories import declared_event


async def next_message(queue: AbstractQueue, timeout: float = 10.0) -> AbstractIncomingMessage:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        message = await queue.get(no_ack=True, fail=False)
        if message is not None:
            return message
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no message in {queue.name} after {timeout}s")
        await asyncio.sleep(0.05)


async def drain(queue: AbstractQueue) -> list[AbstractIncomingMessage]:
    messages = []
    while (message := await queue.get(no_ack=True, fail=False)) is not None:
        messages.append(message)
    return messages


async def queue_of(broker: AbstractRobustConnection, name: str) -> AbstractQueue:
    channel = await broker.channel()
    return await channel.get_queue(name)


@pytest.fixture
async def applied_table(session_factory: SessionFactory) -> str:
    table = f"applied_{uuid.uuid4().hex[:8]}"
    async with session_factory.begin() as session:
        await session.execute(text(f"CREATE TABLE {table} (event_id text, declaration_id text)"))
    return table


async def count_rows(session_factory: SessionFactory, table: str) -> int:
    async with session_factory() as session:
        return int((await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_published_messages_are_confirmed_persistent_and_carry_the_event_id(
    broker: AbstractRobustConnection, spec: QueueSpec
) -> None:
    publisher = ConfirmedPublisher(broker)
    event = declared_event()
    await publisher.publish(
        routing_key="incident.declared",
        body=event.to_json_bytes(),
        message_id=event.id,
        event_type=event.type,
        correlation_id=event.correlationid,
    )
    message = await next_message(await queue_of(broker, spec.name))
    assert message.message_id == event.id
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert message.type == "incident.declared.v1"
    assert message.correlation_id == event.correlationid
    assert message.content_type == "application/cloudevents+json"
    await publisher.close()


async def test_an_unroutable_message_is_not_confirmed(broker: AbstractRobustConnection) -> None:
    publisher = ConfirmedPublisher(broker)
    channel = await broker.channel()
    await declare_exchanges(channel)
    with pytest.raises(PublishFailed):
        await publisher.publish(
            routing_key=f"nobody.listens.{uuid.uuid4().hex}",
            body=b"{}",
            message_id="m-1",
            event_type="x",
        )
    await publisher.close()


def _consumer(
    broker: AbstractRobustConnection,
    spec: QueueSpec,
    session_factory: SessionFactory,
    handler: Any,
    max_attempts: int = 3,
) -> EventConsumer:
    router = EventRouter()
    router.on(IncidentDeclaredV1, handler)
    return EventConsumer(
        connection=broker,
        spec=spec,
        router=router,
        session_factory=session_factory,
        prefetch=10,
        max_attempts=max_attempts,
        retry_base_seconds=0.01,
        retry_max_seconds=0.05,
    )


async def publish_raw(
    broker: AbstractRobustConnection,
    body: bytes,
    message_id: str,
    routing_key: str = "incident.declared",
) -> None:
    publisher = ConfirmedPublisher(broker)
    await publisher.publish(
        routing_key=routing_key, body=body, message_id=message_id, event_type="incident.declared.v1"
    )
    await publisher.close()


async def wait_until(predicate: Any, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def test_a_redelivered_event_is_applied_once(
    broker: AbstractRobustConnection,
    spec: QueueSpec,
    session_factory: SessionFactory,
    applied_table: str,
) -> None:
    calls = 0

    async def handler(session: AsyncSession, event: CloudEvent[Any]) -> None:
        nonlocal calls
        calls += 1
        await session.execute(
            text(f"INSERT INTO {applied_table} VALUES (:e, :d)"),
            {"e": event.id, "d": event.data.declaration_id},
        )

    consumer = _consumer(broker, spec, session_factory, handler)
    await consumer.start()
    event = declared_event()
    for _ in range(3):
        await publish_raw(broker, event.to_json_bytes(), event.id)
    other = declared_event()
    await publish_raw(broker, other.to_json_bytes(), other.id)

    async def both_applied() -> bool:
        return await count_rows(session_factory, applied_table) >= 2

    await wait_until(both_applied)
    queue = await queue_of(broker, spec.name)
    await wait_until(lambda: _is_empty(queue))
    await consumer.stop()
    assert await count_rows(session_factory, applied_table) == 2
    assert calls == 2
    assert await drain(await queue_of(broker, spec.dead_letter_queue)) == []


async def _is_empty(queue: AbstractQueue) -> bool:
    declared = await queue.channel.declare_queue(queue.name, passive=True)
    assert declared.declaration_result.message_count is not None
    return declared.declaration_result.message_count == 0


async def test_poison_messages_go_to_the_dead_letter_queue_with_the_reason(
    broker: AbstractRobustConnection, spec: QueueSpec, session_factory: SessionFactory
) -> None:
    async def handler(_session: AsyncSession, _event: CloudEvent[Any]) -> None:
        raise AssertionError("a poison message must never reach the handler")

    consumer = _consumer(broker, spec, session_factory, handler)
    await consumer.start()
    await publish_raw(broker, b"{not json", "poison-1")
    dead = await next_message(await queue_of(broker, spec.dead_letter_queue))
    await consumer.stop()
    assert dead.body == b"{not json"
    assert dead.message_id == "poison-1"
    headers = dead.headers or {}
    assert headers[REASON_HEADER] == "rejected"
    assert "undecodable envelope" in str(headers[DETAIL_HEADER])
    assert headers[QUEUE_HEADER] == spec.name


async def test_a_failing_handler_is_retried_then_dead_lettered_with_its_error(
    broker: AbstractRobustConnection, spec: QueueSpec, session_factory: SessionFactory
) -> None:
    calls = 0

    async def handler(_session: AsyncSession, _event: CloudEvent[Any]) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("the handler cannot cope")

    consumer = _consumer(broker, spec, session_factory, handler, max_attempts=3)
    await consumer.start()
    event = declared_event()
    await publish_raw(broker, event.to_json_bytes(), event.id)
    dead = await next_message(await queue_of(broker, spec.dead_letter_queue))
    await consumer.stop()
    assert calls == 3
    headers = dead.headers or {}
    assert headers[REASON_HEADER] == "handler_failed"
    assert "RuntimeError: the handler cannot cope" in str(headers[DETAIL_HEADER])
    # Nothing of the failed attempts was committed: the inbox does not know the event.
    async with session_factory() as session:
        found = await session.execute(
            text("SELECT 1 FROM inbox WHERE event_id = :e"), {"e": event.id}
        )
        assert found.first() is None


async def test_a_handler_that_recovers_applies_the_event_once(
    broker: AbstractRobustConnection,
    spec: QueueSpec,
    session_factory: SessionFactory,
    applied_table: str,
) -> None:
    calls = 0

    async def handler(session: AsyncSession, event: CloudEvent[Any]) -> None:
        nonlocal calls
        calls += 1
        await session.execute(
            text(f"INSERT INTO {applied_table} VALUES (:e, :d)"),
            {"e": event.id, "d": event.data.declaration_id},
        )
        if calls < 3:
            raise RuntimeError("not yet")

    consumer = _consumer(broker, spec, session_factory, handler, max_attempts=5)
    await consumer.start()
    event = declared_event()
    await publish_raw(broker, event.to_json_bytes(), event.id)

    async def applied() -> bool:
        return await count_rows(session_factory, applied_table) == 1

    await wait_until(applied)
    await consumer.stop()
    assert calls == 3
    assert await count_rows(session_factory, applied_table) == 1


async def test_the_broker_dead_letters_a_message_nacked_past_the_delivery_limit(
    broker: AbstractRobustConnection, spec: QueueSpec
) -> None:
    channel = await broker.channel()
    queue = await channel.get_queue(spec.name)
    deliveries = 0

    async def always_requeue(message: AbstractIncomingMessage) -> None:
        nonlocal deliveries
        deliveries += 1
        await message.nack(requeue=True)

    tag = await queue.consume(always_requeue)
    event = declared_event()
    await publish_raw(broker, event.to_json_bytes(), event.id)
    dead = await next_message(await queue_of(broker, spec.dead_letter_queue), timeout=20)
    await queue.cancel(tag)
    assert dead.message_id == event.id
    assert deliveries == DELIVERY_LIMIT + 1
    deaths = (dead.headers or {}).get("x-death")
    assert isinstance(deaths, list)
    assert deaths
    first_death = deaths[0]
    assert isinstance(first_death, dict)
    assert first_death["reason"] == "delivery_limit"


@pytest.fixture
async def clean_outbox(session_factory: SessionFactory) -> None:
    async with session_factory.begin() as session:
        await session.execute(outbox.delete())


async def unpublished(session_factory: SessionFactory) -> list[Any]:
    async with session_factory() as session:
        rows = await session.execute(
            select(outbox.c.event_id, outbox.c.attempts, outbox.c.last_error).where(
                outbox.c.published_at.is_(None)
            )
        )
        return list(rows.all())


@pytest.mark.usefixtures("clean_outbox")
async def test_the_relay_publishes_committed_events_only(
    broker: AbstractRobustConnection,
    spec: QueueSpec,
    session_factory: SessionFactory,
    messaging_database_url: str,
) -> None:
    committed, rolled_back = declared_event(), declared_event()
    async with UnitOfWork(session_factory) as uow:
        await uow.emit(committed)
        await uow.commit()
    async with UnitOfWork(session_factory) as uow:
        await uow.emit(rolled_back)
    relay = OutboxRelay(
        session_factory=session_factory,
        publisher=ConfirmedPublisher(broker),
        dsn=asyncpg_dsn(messaging_database_url),
    )
    assert await relay.publish_batch() == 1
    messages = await drain_after(await queue_of(broker, spec.name), expected=1)
    assert [m.message_id for m in messages] == [committed.id]
    assert await unpublished(session_factory) == []


async def drain_after(
    queue: AbstractQueue, expected: int, timeout: float = 10.0
) -> list[AbstractIncomingMessage]:
    messages = [await next_message(queue, timeout) for _ in range(expected)]
    await asyncio.sleep(0.2)
    return messages + await drain(queue)


@pytest.mark.usefixtures("clean_outbox")
async def test_the_relay_keeps_a_row_the_broker_did_not_confirm_and_sends_it_later(
    broker: AbstractRobustConnection,
    session_factory: SessionFactory,
    messaging_database_url: str,
) -> None:
    exchange_name = f"test-unbound-{uuid.uuid4().hex[:8]}"
    channel = await broker.channel()
    exchange = await channel.declare_exchange(
        exchange_name, aio_pika.ExchangeType.TOPIC, auto_delete=True
    )
    event = declared_event()
    async with UnitOfWork(session_factory) as uow:
        await uow.emit(event)
        await uow.commit()
    relay = OutboxRelay(
        session_factory=session_factory,
        publisher=ConfirmedPublisher(broker, exchange_name),
        dsn=asyncpg_dsn(messaging_database_url),
    )
    assert await relay.publish_batch() == 1
    [(event_id, attempts, last_error)] = await unpublished(session_factory)
    assert event_id == event.id
    assert attempts == 1
    assert "PublishError" in last_error or "NO_ROUTE" in last_error
    # Not due yet: the row waits for its backoff.
    assert await relay.publish_batch() == 0
    queue = await channel.declare_queue(exclusive=True)
    await queue.bind(exchange, routing_key="#")
    async with session_factory.begin() as session:
        await session.execute(outbox.update().values(available_at=text("now()")))
    assert await relay.publish_batch() == 1
    assert (await next_message(queue)).message_id == event.id
    assert await unpublished(session_factory) == []
    await channel.close()


@pytest.mark.usefixtures("clean_outbox")
async def test_two_relays_racing_publish_each_row_once(
    broker: AbstractRobustConnection,
    spec: QueueSpec,
    session_factory: SessionFactory,
    messaging_database_url: str,
) -> None:
    events = [declared_event() for _ in range(60)]
    async with UnitOfWork(session_factory) as uow:
        for event in events:
            await uow.emit(event)
        await uow.commit()
    relays = [
        OutboxRelay(
            session_factory=session_factory,
            publisher=ConfirmedPublisher(broker),
            dsn=asyncpg_dsn(messaging_database_url),
            batch_size=7,
        )
        for _ in range(2)
    ]

    async def run(relay: OutboxRelay) -> None:
        while await relay.publish_batch():
            pass

    await asyncio.gather(*(run(relay) for relay in relays))
    messages = await drain_after(await queue_of(broker, spec.name), expected=60)
    assert sorted(m.message_id or "" for m in messages) == sorted(e.id for e in events)


@pytest.mark.usefixtures("clean_outbox")
async def test_the_running_relay_wakes_on_commit_without_waiting_for_its_poll(
    broker: AbstractRobustConnection,
    spec: QueueSpec,
    session_factory: SessionFactory,
    messaging_database_url: str,
) -> None:
    relay = OutboxRelay(
        session_factory=session_factory,
        publisher=ConfirmedPublisher(broker),
        dsn=asyncpg_dsn(messaging_database_url),
        poll_seconds=600,
    )
    relay.start()
    try:
        await asyncio.sleep(0.5)  # let it listen and find the outbox empty
        event = declared_event()
        async with UnitOfWork(session_factory) as uow:
            await uow.emit(event)
            await uow.commit()
        message = await next_message(await queue_of(broker, spec.name), timeout=30)
        assert message.message_id == event.id
    finally:
        await relay.stop()


class CountingRelay(OutboxRelay):
    """A relay that remembers how many rows each of its batches claimed."""

    batches: list[int]

    async def publish_batch(self) -> int:
        claimed = await super().publish_batch()
        if claimed:
            self.batches.append(claimed)
        return claimed


@pytest.mark.usefixtures("clean_outbox")
async def test_rows_committed_within_the_gather_window_go_in_one_batch(
    broker: AbstractRobustConnection,
    spec: QueueSpec,
    session_factory: SessionFactory,
    messaging_database_url: str,
) -> None:
    relay = CountingRelay(
        session_factory=session_factory,
        publisher=ConfirmedPublisher(broker),
        dsn=asyncpg_dsn(messaging_database_url),
        poll_seconds=600,
        gather_seconds=1.0,
    )
    relay.batches = []
    relay.start()
    try:
        await asyncio.sleep(0.5)  # let it listen and find the outbox empty
        events = [declared_event() for _ in range(5)]
        for event in events:  # five transactions, each waking the relay
            async with UnitOfWork(session_factory) as uow:
                await uow.emit(event)
                await uow.commit()
        messages = await drain_after(await queue_of(broker, spec.name), expected=5, timeout=30)
        assert sorted(str(m.message_id) for m in messages) == sorted(e.id for e in events)
        assert relay.batches == [5]
    finally:
        await relay.stop()
