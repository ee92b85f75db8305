"""When the broker is back, the outbox rows waiting their backoff go at once."""

from __future__ import annotations

import uuid
from datetime import timedelta

import aio_pika
from aio_pika.abc import AbstractRobustConnection
from sqlalchemy import func, select, update

from ticketing_common.db.engine import SessionFactory, asyncpg_dsn
from ticketing_common.db.messaging_tables import outbox
from ticketing_common.db.unit_of_work import UnitOfWork
from ticketing_common.messaging.publisher import ConfirmedPublisher
from ticketing_common.outbox.relay import OutboxRelay

from .factories import declared_event


async def emit(session_factory: SessionFactory, count: int) -> list[str]:
    ids = []
    async with UnitOfWork(session_factory) as uow:
        for _ in range(count):
            event = declared_event()
            await uow.emit(event)
            ids.append(event.id)
        await uow.commit()
    return ids


async def waiting(session_factory: SessionFactory, ids: list[str]) -> int:
    async with session_factory() as session:
        return int(
            await session.scalar(
                select(func.count()).where(
                    outbox.c.event_id.in_(ids),
                    outbox.c.published_at.is_(None),
                    outbox.c.available_at > func.now(),
                )
            )
            or 0
        )


async def test_rows_that_failed_while_the_broker_was_away_are_due_when_it_is_back(
    broker: AbstractRobustConnection,
    session_factory: SessionFactory,
    messaging_database_url: str,
) -> None:
    # An exchange nothing is bound to yet: every row fails, as with the broker away.
    exchange_name = f"test-away-{uuid.uuid4().hex[:8]}"
    channel = await broker.channel()
    exchange = await channel.declare_exchange(
        exchange_name, aio_pika.ExchangeType.TOPIC, auto_delete=True
    )
    relay = OutboxRelay(
        session_factory=session_factory,
        publisher=ConfirmedPublisher(broker, exchange_name),
        dsn=asyncpg_dsn(messaging_database_url),
    )
    async with session_factory.begin() as session:
        await session.execute(outbox.delete())
    early = await emit(session_factory, 2)
    await relay.publish_batch()
    # Failed several times meanwhile: their backoff is long.
    async with session_factory.begin() as session:
        await session.execute(
            update(outbox)
            .where(outbox.c.event_id.in_(early))
            .values(available_at=func.now() + timedelta(minutes=5))
        )
    assert await waiting(session_factory, early) == 2

    # The broker is back: the next row goes through, and the waiting ones are due.
    queue = await channel.declare_queue(exclusive=True)
    await queue.bind(exchange, routing_key="#")
    late = await emit(session_factory, 1)
    await relay.publish_batch()
    assert await waiting(session_factory, early) == 0
    await relay.publish_batch()
    received = set()
    while (message := await queue.get(no_ack=True, fail=False)) is not None:
        received.add(message.message_id)
    assert set(early) | set(late) <= received
    await channel.close()
