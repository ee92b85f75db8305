"""A consumer never asks more of the database than its pool can give."""

from __future__ import annotations

import asyncio
from typing import Any

from aio_pika.abc import AbstractRobustConnection
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.db.engine import SessionFactory
from ticketing_common.db.errors import is_transient_database_error
from ticketing_common.events import CloudEvent, IncidentDeclaredV1
from ticketing_common.messaging.consumer import EventConsumer, EventRouter
from ticketing_common.messaging.topology import QueueSpec

from .dead_letter_support import message_count, publish_event, wait_for


def test_a_pool_with_every_connection_busy_is_a_moment_to_wait_not_a_failure() -> None:
    # Counted as a failure, it would push good events into the dead letters under load.
    assert is_transient_database_error(PoolTimeout("QueuePool limit of size 10 reached"))


async def test_transactions_at_once_never_exceed_the_concurrency_given(
    broker: AbstractRobustConnection, spec: QueueSpec, session_factory: SessionFactory
) -> None:
    # Each event fails its first try, so the batch falls back to applying its messages
    # one at a time, each in a transaction of its own, side by side: at most three.
    running = 0
    most = 0
    tried: set[str] = set()
    done: set[str] = set()

    async def slow(_session: AsyncSession, event: CloudEvent[Any]) -> None:
        nonlocal running, most
        if event.id not in tried:
            tried.add(event.id)
            raise RuntimeError("first try fails")
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.1)
        running -= 1
        done.add(event.id)

    router = EventRouter()
    router.on(IncidentDeclaredV1, slow)
    for number in range(12):
        await publish_event(broker, f"event {number}")
    consumer = EventConsumer(
        connection=broker,
        spec=spec,
        router=router,
        session_factory=session_factory,
        prefetch=20,
        concurrency=3,
        retry_base_seconds=0.01,
        retry_max_seconds=0.02,
        batch_wait_seconds=0.2,
    )
    await consumer.start()

    async def all_done() -> bool:
        return len(done) == 12

    await wait_for(all_done)
    await consumer.stop()
    assert most == 3
    assert await message_count(broker, spec.dead_letter_queue) == 0
