"""A consumer that dies (SIGKILL) at its first ack after a commit: between a batch's
commit and its acks, where no cleanup can run.

Run as a script by ``test_killed_between_commit_and_acks.py``, in a process of its own:
the patch of aio_pika's ``ack`` is made there only, the production code is untouched.

    python consumer_killed_at_first_ack.py DATABASE_URL AMQP_URL QUEUE EFFECTS_TABLE BATCH_SIZE
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from aio_pika.message import IncomingMessage
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from ticketing_common.db.engine import create_engine, create_session_factory
from ticketing_common.events import CloudEvent, IncidentDeclaredV1
from ticketing_common.messaging.connection import connect_broker
from ticketing_common.messaging.consumer import EventConsumer, EventRouter
from ticketing_common.messaging.topology import QueueSpec

# Long enough for every message published before the start to join the first batch.
BATCH_WAIT_SECONDS = 0.5


def write_effect(table: str) -> Callable[[AsyncSession, CloudEvent[Any]], Awaitable[None]]:
    """A handler whose effect is a row in ``table``: only what was committed counts."""

    async def write(session: AsyncSession, event: CloudEvent[Any]) -> None:
        await session.execute(
            text(f"INSERT INTO {table} (event_id) VALUES (:event_id)"),
            {"event_id": event.id},
        )

    return write


def die_at_the_first_ack_after_a_commit() -> None:
    committed = False

    def note_commit(_session: Session) -> None:
        nonlocal committed
        committed = True

    original_ack = IncomingMessage.ack

    async def ack_or_die(message: IncomingMessage, multiple: bool = False) -> None:
        if committed:
            os.kill(os.getpid(), signal.SIGKILL)
        await original_ack(message, multiple)

    event.listen(Session, "after_commit", note_commit)
    IncomingMessage.ack = ack_or_die  # type: ignore[method-assign,assignment]


async def consume_until_killed(
    database_url: str, amqp_url: str, queue: str, table: str, batch_size: int
) -> None:
    die_at_the_first_ack_after_a_commit()
    engine = create_engine(database_url, pool_size=2, max_overflow=0)
    connection = await connect_broker(amqp_url, connection_name="killed-at-first-ack")
    router = EventRouter()
    router.on(IncidentDeclaredV1, write_effect(table))
    consumer = EventConsumer(
        connection=connection,
        spec=QueueSpec(queue, ("incident.declared",)),
        router=router,
        session_factory=create_session_factory(engine),
        prefetch=batch_size,
        batch_size=batch_size,
        batch_wait_seconds=BATCH_WAIT_SECONDS,
    )
    await consumer.start()
    await asyncio.sleep(60)
    sys.exit("no batch was committed within a minute")


if __name__ == "__main__":
    database_url, amqp_url, queue, table, batch_size = sys.argv[1:6]
    asyncio.run(consume_until_killed(database_url, amqp_url, queue, table, int(batch_size)))
