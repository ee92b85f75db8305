"""How far behind the consumers are, and how many dead letters wait, as metrics.

Every few seconds a passive declare of each consumed queue and of its dead-letter queue
reads the messages ready in it (the consumer lag) and its consumers; the broker answers
these from its own counters, without touching a message. While the broker is away the
gauges keep their last values and ``ticketing_queue_stats_updated_timestamp_seconds``
tells how old they are.

The monitor has a connection of its own: nothing it does (a slow answer, a channel
closed by the broker) can disturb the consumer's connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Sequence

import aio_pika
from aio_pika.abc import AbstractConnection

from ticketing_common.logging import get_logger
from ticketing_common.messaging.topology import QueueSpec
from ticketing_common.metrics import (
    DEAD_LETTERS_WAITING,
    QUEUE_CONSUMERS,
    QUEUE_MESSAGES,
    QUEUE_STATS_UPDATED,
)

log = get_logger(__name__)


class QueueMonitor:
    def __init__(
        self,
        amqp_url: str,
        specs: Sequence[QueueSpec],
        *,
        interval_seconds: float = 15.0,
        connection_name: str = "queue-monitor",
    ) -> None:
        self._amqp_url = amqp_url
        self._specs = tuple(specs)
        self._interval = interval_seconds
        self._connection_name = connection_name
        self._connection: AbstractConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._failing = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="queue-monitor")

    async def stop(self, timeout: float = 30.0) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._task, timeout)
            self._task = None
        await self._disconnect()

    async def _run(self) -> None:
        while True:
            try:
                await self.refresh()
                if self._failing:
                    log.info("queue statistics available again")
                self._failing = False
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not self._failing:
                    log.warning("queue statistics unavailable", error=type(exc).__name__)
                self._failing = True
                await self._disconnect()
            await asyncio.sleep(self._interval)

    async def refresh(self) -> None:
        """Read every queue's figures now."""
        if self._connection is None or self._connection.is_closed:
            self._connection = await aio_pika.connect(
                self._amqp_url,
                timeout=10,
                client_properties={"connection_name": self._connection_name},
            )
        channel = await self._connection.channel(publisher_confirms=False)
        try:
            for spec in self._specs:
                queue = await channel.declare_queue(spec.name, passive=True)
                result = queue.declaration_result
                QUEUE_MESSAGES.labels(spec.name).set(result.message_count or 0)
                QUEUE_CONSUMERS.labels(spec.name).set(result.consumer_count or 0)
                dead = await channel.declare_queue(spec.dead_letter_queue, passive=True)
                DEAD_LETTERS_WAITING.labels(spec.name).set(
                    dead.declaration_result.message_count or 0
                )
            QUEUE_STATS_UPDATED.set(time.time())
        finally:
            if not channel.is_closed:
                await channel.close()

    async def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed:
            with contextlib.suppress(Exception):
                await connection.close()
