"""A consumer killed (SIGKILL) after its batch's commit and before any of its acks:
the broker delivers the whole batch again, and the inbox drops every message of it
(against the real RabbitMQ and PostgreSQL, the consumer in a process of its own)."""

from __future__ import annotations

import asyncio
import signal
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from aio_pika.abc import AbstractRobustConnection
from prometheus_client import REGISTRY
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.db.engine import SessionFactory
from ticketing_common.events import CloudEvent, IncidentDeclaredV1
from ticketing_common.messaging.consumer import EventConsumer, EventRouter
from ticketing_common.messaging.topology import QueueSpec

from .consumer_killed_at_first_ack import write_effect
from .dead_letter_support import message_count, publish_event, wait_for

SCRIPT = Path(__file__).with_name("consumer_killed_at_first_ack.py")
BATCH = 10


@pytest.fixture
async def effects(session_factory: SessionFactory) -> str:
    table = f"effects_{uuid.uuid4().hex[:8]}"
    async with session_factory.begin() as session:
        await session.execute(text(f"CREATE TABLE {table} (event_id text)"))
    return table


async def effects_of(session_factory: SessionFactory, table: str) -> list[str]:
    async with session_factory() as session:
        rows = await session.execute(text(f"SELECT event_id FROM {table} ORDER BY event_id"))
        return [row.event_id for row in rows]


def counted(metric: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(metric, labels) or 0.0


async def run_the_consumer_killed_at_its_first_ack(
    database_url: str, amqp_url: str, spec: QueueSpec, table: str
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(SCRIPT),
        database_url,
        amqp_url,
        spec.name,
        table,
        str(BATCH),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, errors = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode == -signal.SIGKILL, errors.decode(errors="replace")[-3000:]


async def test_a_batch_committed_and_never_acked_is_applied_once_when_delivered_again(
    broker: AbstractRobustConnection,
    spec: QueueSpec,
    session_factory: SessionFactory,
    messaging_database_url: str,
    amqp_url: str,
    effects: str,
) -> None:
    events = [await publish_event(broker, f"killed {number:02d}") for number in range(BATCH)]
    ids = sorted(event.id for event in events)

    await run_the_consumer_killed_at_its_first_ack(messaging_database_url, amqp_url, spec, effects)
    # The batch was committed whole, and not one of its acks reached the broker.
    assert await effects_of(session_factory, effects) == ids

    async def all_back() -> bool:
        return await message_count(broker, spec.name) == BATCH

    await wait_for(all_back)

    handled: list[str] = []
    write = write_effect(effects)

    async def handler(session: AsyncSession, event: CloudEvent[Any]) -> None:
        handled.append(event.id)
        await write(session, event)

    router = EventRouter()
    router.on(IncidentDeclaredV1, handler)
    labels = {"queue": spec.name, "event_type": IncidentDeclaredV1.event_type}
    consumer = EventConsumer(
        connection=broker,
        spec=spec,
        router=router,
        session_factory=session_factory,
        prefetch=BATCH,
        batch_size=BATCH,
        batch_wait_seconds=0.3,
    )
    await consumer.start()

    async def all_dropped() -> bool:
        return counted("ticketing_events_consumed_total", **labels, outcome="duplicate") == BATCH

    try:
        await wait_for(all_dropped)
    finally:
        await consumer.stop()
    assert handled == []
    assert await effects_of(session_factory, effects) == ids
    assert counted("ticketing_redeliveries_total", queue=spec.name) == BATCH
    assert counted("ticketing_events_consumed_total", **labels, outcome="applied") == 0
    assert await message_count(broker, spec.name) == 0
    assert await message_count(broker, spec.dead_letter_queue) == 0
