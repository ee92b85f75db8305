"""RabbitMQ: persistent, confirmed publishes a second, and the time from a publish to
its delivery, on a quorum queue like the services' (in the run's own vhost).

Publishes go as the outbox relay sends them: persistent, ``mandatory``, with
publisher confirms, a batch of ``batch`` in flight at once. The latency probe
publishes at a fixed rate to a consumer with manual acks and the services' prefetch.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
import time

import aio_pika
from aio_pika.abc import AbstractIncomingMessage
from pamqp.common import FieldTable

from bench.limits import LimitResult
from bench.stats import Distribution

QUEUE = "bench.limits"
ARGUMENTS: FieldTable = {"x-queue-type": "quorum"}


def _message(index: int, size: int = 1500) -> aio_pika.Message:
    return aio_pika.Message(
        body=struct.pack("!Qd", index, time.monotonic()) + b"x" * size,
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        content_type="application/cloudevents+json",
    )


async def measure_confirmed_publishes(
    amqp_url: str, *, seconds: float, batch: int = 200
) -> LimitResult:
    connection = await aio_pika.connect_robust(amqp_url)
    try:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        queue = await channel.declare_queue(QUEUE, durable=True, arguments=ARGUMENTS)
        exchange = channel.default_exchange
        confirmed = 0
        latencies: list[float] = []
        began = time.monotonic()
        deadline = began + seconds
        index = 0
        while time.monotonic() < deadline:
            started = time.monotonic()
            await asyncio.gather(
                *(
                    exchange.publish(_message(index + n), routing_key=QUEUE, mandatory=True)
                    for n in range(batch)
                )
            )
            latencies.append(time.monotonic() - started)
            confirmed += batch
            index += batch
        elapsed = time.monotonic() - began
        await queue.purge()
    finally:
        await connection.close()
    return LimitResult(
        name="RabbitMQ confirmed publishes",
        rate=confirmed / elapsed,
        latency=Distribution.of(latencies),
        setting=f"quorum queue, persistent, mandatory, confirms, {batch} in flight",
    )


async def measure_publish_to_consume(
    amqp_url: str, *, rate: float, seconds: float, prefetch: int = 64
) -> LimitResult:
    connection = await aio_pika.connect_robust(amqp_url)
    latencies: list[float] = []
    try:
        consume_channel = await connection.channel()
        await consume_channel.set_qos(prefetch_count=prefetch)
        queue = await consume_channel.declare_queue(QUEUE, durable=True, arguments=ARGUMENTS)
        await queue.purge()
        started_at: dict[int, float] = {}
        all_consumed = asyncio.Event()

        async def on_message(message: AbstractIncomingMessage) -> None:
            index, _ = struct.unpack("!Qd", message.body[:16])
            received = time.monotonic()
            sent = started_at.pop(index, None)
            if sent is not None:
                latencies.append(received - sent)
            await message.ack()
            if publishing_done and not started_at:
                all_consumed.set()

        publishing_done = False
        tag = await queue.consume(on_message)
        publish_channel = await connection.channel(publisher_confirms=True)
        exchange = publish_channel.default_exchange
        count = max(1, round(rate * seconds))
        start = time.monotonic()
        tasks: list[asyncio.Task[object]] = []
        for index in range(count):
            delay = start + index / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            started_at[index] = time.monotonic()
            tasks.append(
                asyncio.create_task(
                    exchange.publish(_message(index), routing_key=QUEUE, mandatory=True)
                )
            )
        await asyncio.gather(*tasks)
        publishing_done = True
        if started_at:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(all_consumed.wait(), timeout=10)
        with contextlib.suppress(Exception):
            await queue.cancel(tag)
    finally:
        await connection.close()
    return LimitResult(
        name="RabbitMQ publish → consume",
        rate=rate,
        latency=Distribution.of(latencies),
        setting=f"quorum queue, {rate:.0f}/s, confirms, prefetch {prefetch}, manual acks",
    )
