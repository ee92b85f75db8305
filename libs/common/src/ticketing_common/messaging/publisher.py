"""Publishing with publisher confirms, ``mandatory`` and persistent delivery.

``publish`` returns only once the broker has taken responsibility for the message
(its ack); it raises when the broker refuses it, cannot route it, or is away.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractExchange

from ticketing_common.events.envelope import CONTENT_TYPE
from ticketing_common.messaging.topology import EVENTS_EXCHANGE


class PublishFailed(Exception):
    """The broker did not confirm the message: it must be sent again later."""


class ConfirmedPublisher:
    def __init__(self, connection: AbstractConnection, exchange_name: str = EVENTS_EXCHANGE):
        self._connection = connection
        self._exchange_name = exchange_name
        self._channel: AbstractChannel | None = None
        self._exchange: AbstractExchange | None = None
        self._lock = asyncio.Lock()

    async def _ready_exchange(self) -> AbstractExchange:
        async with self._lock:
            if self._channel is None or self._channel.is_closed or self._exchange is None:
                self._channel = await self._connection.channel(
                    publisher_confirms=True, on_return_raises=True
                )
                self._exchange = await self._channel.get_exchange(self._exchange_name)
            return self._exchange

    async def publish(
        self,
        *,
        routing_key: str,
        body: bytes,
        message_id: str,
        event_type: str,
        correlation_id: str | None = None,
        timestamp: datetime | None = None,
        headers: Mapping[str, Any] | None = None,
        timeout: float = 10.0,
    ) -> None:
        message = aio_pika.Message(
            body=body,
            message_id=message_id,
            type=event_type,
            correlation_id=correlation_id,
            timestamp=timestamp,
            content_type=CONTENT_TYPE,
            content_encoding="utf-8",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            headers=dict(headers or {}),
        )
        try:
            exchange = await self._ready_exchange()
            await exchange.publish(
                message, routing_key=routing_key, mandatory=True, timeout=timeout
            )
        except (TimeoutError, aio_pika.exceptions.AMQPError, OSError, RuntimeError) as exc:
            raise PublishFailed(f"{type(exc).__name__}: {exc}") from exc

    async def close(self) -> None:
        if self._channel is not None and not self._channel.is_closed:
            await self._channel.close()
