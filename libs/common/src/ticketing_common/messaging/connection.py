"""Connecting to RabbitMQ, waiting for it at start-up."""

from __future__ import annotations

import aio_pika
from aio_pika.abc import AbstractRobustConnection
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

from ticketing_common.logging import get_logger

log = get_logger(__name__)


async def connect_broker(
    url: str, *, connection_name: str, wait_seconds: float = 120.0
) -> AbstractRobustConnection:
    """A robust connection: it reconnects and restores channels and consumers by itself."""
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type((OSError, aio_pika.exceptions.AMQPError)),
        wait=wait_exponential(multiplier=0.2, max=5),
        stop=stop_after_delay(wait_seconds),
        reraise=True,
        before_sleep=lambda state: log.warning(
            "broker not answering yet",
            attempt=state.attempt_number,
            error=str(state.outcome.exception()) if state.outcome else None,
        ),
    ):
        with attempt:
            return await aio_pika.connect_robust(
                url, client_properties={"connection_name": connection_name}
            )
    raise AssertionError("unreachable")
