"""The work waiting in the pipeline, sampled every second while a step runs.

- Outbox rows not yet confirmed by the broker, as the services report them at
  ``/metrics`` (``ticketing_outbox_backlog``, which the relay refreshes every few
  seconds): what an operator's dashboard would show.
- Messages ready in each service's queue, read from RabbitMQ (a passive declare
  answers with the queue's depth; no management plugin needed).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractRobustConnection

from bench.http_client import HttpError, HttpPool
from ticketing_common.messaging.topology import QUEUES

BACKLOG_METRIC = "ticketing_outbox_backlog"


def metric_value(exposition: str, name: str) -> float | None:
    """The value of an unlabelled metric in Prometheus text format."""
    for line in exposition.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


@dataclass(frozen=True)
class BacklogSample:
    at: float
    outbox: Mapping[str, float]
    queues: Mapping[str, int]

    @property
    def total(self) -> float:
        return sum(self.outbox.values()) + sum(self.queues.values())


@dataclass
class BacklogSampler:
    amqp_url: str
    # service name → its HTTP pool, for the services that publish (an outbox).
    publishers: Mapping[str, HttpPool]
    interval: float = 1.0
    samples: list[BacklogSample] = field(default_factory=list)
    _connection: AbstractRobustConnection | None = None
    _channel: AbstractChannel | None = None
    _task: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self._connection = await aio_pika.connect_robust(
            self.amqp_url, client_properties={"connection_name": "bench-backlog"}
        )
        self._channel = await self._connection.channel()

    async def sample(self) -> BacklogSample:
        assert self._channel is not None
        outbox: dict[str, float] = {}
        for name, pool in self.publishers.items():
            try:
                response = await pool.get("/metrics")
            except (HttpError, TimeoutError):
                continue
            value = metric_value(response.body.decode(), BACKLOG_METRIC)
            if value is not None:
                outbox[name] = value
        queues: dict[str, int] = {}
        for spec in QUEUES.values():
            queue = await self._channel.declare_queue(spec.name, passive=True)
            queues[spec.name] = int(queue.declaration_result.message_count or 0)
        return BacklogSample(time.monotonic(), outbox, queues)

    def start(self) -> None:
        self.samples = []
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            self.samples.append(await self.sample())
            await asyncio.sleep(self.interval)

    async def stop(self) -> list[BacklogSample]:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        return self.samples

    async def close(self) -> None:
        await self.stop()
        if self._connection is not None:
            await self._connection.close()
