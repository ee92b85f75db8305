"""Consuming events once in effect, in batches.

The consumer takes the messages that are ready (up to ``batch_size``, waiting at most
``batch_wait_seconds`` for more when fewer are in hand) and applies them in one
transaction: their ids recorded in the inbox in one statement, each new event's handler
in order, one commit, then the acks. A duplicate is acked without effect.

When the batch fails, each of its messages is applied again alone, with today's
guarantees for each: a message that can never be applied (undecodable, unknown type
unless the router takes any type, invalid data, refused by its handler) goes at once to
the dead-letter queue with the reason; a handler that keeps failing is retried with
backoff, then dead-lettered with its last error; its neighbours are applied once. While
the database is away the messages are held and retried without counting, so an outage
never empties a queue into its dead letters.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar

import aiormq.exceptions
import structlog
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractIncomingMessage,
    AbstractQueue,
    ConsumerTag,
)
from pydantic import ConfigDict, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.db.engine import SessionFactory
from ticketing_common.db.errors import is_transient_database_error
from ticketing_common.events.envelope import CloudEvent, EventData, RawCloudEvent
from ticketing_common.inbox import record_first_deliveries
from ticketing_common.logging import get_logger
from ticketing_common.messaging.publisher import ConfirmedPublisher, PublishFailed
from ticketing_common.messaging.topology import DEAD_LETTER_EXCHANGE, QueueSpec
from ticketing_common.metrics import (
    BATCH_FALLBACKS,
    BATCHES,
    DEAD_LETTERED,
    EVENTS_CONSUMED,
    HANDLER_DURATION,
    HANDLER_FAILURES,
    MESSAGES_IN_HAND,
    REDELIVERIES,
)

log = get_logger(__name__)

Handler = Callable[[AsyncSession, CloudEvent[Any]], Awaitable[None]]
# Applies a run of consecutive events of one route, in their order, in the consumer's
# transaction: for handlers whose writes are cheaper as one statement per batch.
BatchHandler = Callable[[AsyncSession, Sequence[CloudEvent[Any]]], Awaitable[None]]

# Headers the consumer adds to a message it dead-letters.
REASON_HEADER = "x-ticketing-dead-letter-reason"
DETAIL_HEADER = "x-ticketing-dead-letter-detail"
QUEUE_HEADER = "x-ticketing-original-queue"
ROUTING_KEY_HEADER = "x-ticketing-original-routing-key"
FAILED_AT_HEADER = "x-ticketing-dead-lettered-at"


# What acking or rejecting a message raises once its channel or connection is gone.
CHANNEL_GONE = (
    aiormq.exceptions.ChannelInvalidStateError,
    aiormq.exceptions.AMQPConnectionError,
    aiormq.exceptions.ChannelClosed,
)


class RejectEvent(Exception):
    """Raised by a handler for an event it can never apply: dead-letter it now."""


@dataclass(frozen=True)
class Route:
    model: type[EventData]
    apply: BatchHandler

    async def handler(self, session: AsyncSession, event: CloudEvent[Any]) -> None:
        """Apply one event (a batch of one)."""
        await self.apply(session, (event,))


def _one_by_one(handler: Handler) -> BatchHandler:
    async def apply(session: AsyncSession, events: Sequence[CloudEvent[Any]]) -> None:
        for event in events:
            await handler(session, event)

    return apply


class AnyEventData(EventData):
    """The data of an event read as it came, every field kept (``model_extra``): what a
    router's ``on_any`` handler receives for a type without a model of its own."""

    model_config = ConfigDict(extra="allow", frozen=True)

    event_type: ClassVar[str] = "*"
    routing_key: ClassVar[str] = "#"


class EventRouter:
    """Which handler applies which event type."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._any: Route | None = None

    def on(self, model: type[EventData], handler: Handler) -> None:
        """Apply ``handler`` to each event of ``model``'s type."""
        self.on_batch(model, _one_by_one(handler))

    def on_batch(self, model: type[EventData], handler: BatchHandler) -> None:
        """Apply ``handler`` to each run of consecutive events of ``model``'s type in a
        batch, in order, in the batch's transaction. The same handler registered for
        several types gets their consecutive events, of either type, in one run."""
        if model.event_type in self._routes:
            raise ValueError(f"a handler for {model.event_type} is already registered")
        self._routes[model.event_type] = Route(model, handler)

    def on_any(self, handler: Handler) -> None:
        """Apply ``handler`` to every type that has no handler of its own, its data read
        as ``AnyEventData``, instead of dead-lettering it as unknown. For a consumer that
        keeps every event (search's journal), bound to every routing key."""
        self.on_any_batch(_one_by_one(handler))

    def on_any_batch(self, handler: BatchHandler) -> None:
        """``on_any`` for a handler that takes a run of consecutive events at once."""
        if self._any is not None:
            raise ValueError("a handler for any other type is already registered")
        self._any = Route(AnyEventData, handler)

    def route_for(self, event_type: str) -> Route | None:
        return self._routes.get(event_type, self._any)

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(self._routes)


def decode_event(body: bytes, router: EventRouter) -> CloudEvent[Any]:
    """The typed event in ``body``; raises ``RejectEvent`` when it can never be applied."""
    try:
        raw = RawCloudEvent.model_validate_json(body)
    except ValidationError as exc:
        raise RejectEvent(f"undecodable envelope: {_short(exc)}") from exc
    route = router.route_for(raw.type)
    if route is None:
        raise RejectEvent(f"unknown event type {raw.type!r}")
    try:
        data = route.model.model_validate(raw.data)
    except ValidationError as exc:
        raise RejectEvent(f"invalid data for {raw.type}: {_short(exc)}") from exc
    envelope: Any = CloudEvent[route.model]  # type: ignore[name-defined]
    # Every field was validated just above: constructed, not validated a second time.
    fields = {name: value for name, value in raw if name != "data"}
    event: CloudEvent[Any] = envelope.model_construct(
        _fields_set=raw.model_fields_set, **fields, data=data
    )
    return event


def _short(what: object, limit: int = 1000) -> str:
    text = str(what).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class _Received:
    """A message and the event decoded from it."""

    message: AbstractIncomingMessage
    event: CloudEvent[Any]


class EventConsumer:
    def __init__(
        self,
        *,
        connection: AbstractConnection,
        spec: QueueSpec,
        router: EventRouter,
        session_factory: SessionFactory,
        prefetch: int = 64,
        concurrency: int | None = None,
        max_attempts: int = 5,
        retry_base_seconds: float = 0.2,
        retry_max_seconds: float = 5.0,
        batch_size: int = 50,
        batch_wait_seconds: float = 0.005,
    ) -> None:
        self._connection = connection
        self._spec = spec
        self._router = router
        self._session_factory = session_factory
        self._prefetch = prefetch
        # Transactions at once: the batch's, and those of messages applied alone after a
        # batch failed. No more than the database pool can serve, or they wait for
        # connections (and time out) while the broker's prefetch keeps messages coming.
        # The others wait in hand, unacked.
        self._slots = asyncio.Semaphore(concurrency or prefetch)
        self._max_attempts = max_attempts
        self._retry_base = retry_base_seconds
        self._retry_max = retry_max_seconds
        self._batch_size = max(1, batch_size)
        self._batch_wait = batch_wait_seconds
        self._dead_letters = ConfirmedPublisher(connection, DEAD_LETTER_EXCHANGE)
        self._channel: AbstractChannel | None = None
        self._queue: AbstractQueue | None = None
        self._consumer_tag: ConsumerTag | None = None
        self._received: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        self._batcher: asyncio.Task[None] | None = None
        self._alone: set[asyncio.Task[None]] = set()
        self._stopping = False

    @property
    def queue_name(self) -> str:
        return self._spec.name

    async def start(self) -> None:
        self._stopping = False
        self._channel = await self._connection.channel()
        await self._channel.set_qos(prefetch_count=self._prefetch)
        self._queue = await self._channel.get_queue(self._spec.name, ensure=True)
        self._batcher = asyncio.create_task(self._take_batches(), name=f"{self._spec.name}-batches")
        self._consumer_tag = await self._queue.consume(self._on_message)
        log.info(
            "consuming", queue=self._spec.name, prefetch=self._prefetch, batch=self._batch_size
        )

    async def stop(self, timeout: float = 30.0) -> None:
        """Take no new message, let those in hand finish, then close the channel."""
        self._stopping = True
        if self._queue is not None and self._consumer_tag is not None:
            try:
                await self._queue.cancel(self._consumer_tag)
            except Exception as exc:  # the channel may already be gone
                log.info("consumer cancel failed", error=str(exc))
        if self._batcher is not None:
            in_hand = self._received.qsize()
            if in_hand:
                log.info("waiting for messages in hand", count=in_hand)
            # The batcher ends once nothing is left in hand (see _take_batches).
            self._received.put_nowait(_STOP)
            done, _pending = await asyncio.wait({self._batcher}, timeout=timeout)
            if not done:
                self._batcher.cancel()
            self._batcher = None
        if self._alone:
            await asyncio.wait(set(self._alone), timeout=timeout)
        await self._dead_letters.close()
        if self._channel is not None and not self._channel.is_closed:
            await self._channel.close()
        log.info("consumer stopped", queue=self._spec.name)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        MESSAGES_IN_HAND.labels(self._spec.name).inc()
        self._received.put_nowait(message)

    async def _take_batches(self) -> None:
        while True:
            first = await self._received.get()
            if first is _STOP:
                return
            batch = [first]
            stop_seen = self._take_ready(batch)
            if len(batch) < self._batch_size and self._batch_wait > 0 and not stop_seen:
                # A moment for the messages on their way to join this batch: under load
                # a batch fills at once; at a low rate this is the latency it adds.
                await asyncio.sleep(self._batch_wait)
                stop_seen = self._take_ready(batch)
            try:
                await self._process_batch(batch)
            except Exception:
                # Never expected (each message's outcome is handled): logged, and the
                # messages come again from the broker once the channel closes.
                log.exception("batch processing failed", queue=self._spec.name)
            if stop_seen:
                self._received.put_nowait(_STOP)

    def _take_ready(self, batch: list[AbstractIncomingMessage]) -> bool:
        """Add the messages in hand to ``batch``, up to its size; True once ``stop``
        said nothing more will come."""
        while len(batch) < self._batch_size and not self._received.empty():
            message = self._received.get_nowait()
            if message is _STOP:
                return True
            batch.append(message)
        return False

    async def _process_batch(self, messages: list[AbstractIncomingMessage]) -> None:
        received: list[_Received] = []
        for message in messages:
            if message.redelivered or _delivery_count(message):
                REDELIVERIES.labels(self._spec.name).inc()
            try:
                event = decode_event(message.body, self._router)
            except RejectEvent as exc:
                with _bound(message):
                    await self._settle(
                        message,
                        self._dead_letter(message, message.type or "unknown", "rejected", str(exc)),
                    )
                continue
            received.append(_Received(message, event))
        if not received:
            return
        if len(received) == 1:
            BATCHES.labels(self._spec.name).observe(1)
            await self._alone_now(received[0])
            return
        outage_wait = self._retry_base
        while True:
            started = time.perf_counter()
            try:
                async with self._slots:
                    applied = await self._apply_batch([r.event for r in received])
            except Exception as exc:
                if is_transient_database_error(exc):
                    for item in received:
                        HANDLER_FAILURES.labels(
                            self._spec.name, item.event.type, "database_away"
                        ).inc()
                    if self._stopping:
                        for item in received:
                            await self._settle(
                                item.message, self._requeue(item.message, item.event.type)
                            )
                        return
                    log.warning(
                        "database away, holding the batch",
                        messages=len(received),
                        error=_short(exc, 200),
                    )
                    await asyncio.sleep(outage_wait)
                    outage_wait = min(outage_wait * 2, self._retry_max)
                    continue
                # One message sank the batch: each is applied alone, with its own
                # retries and dead-lettering, while the next batches go on.
                BATCH_FALLBACKS.labels(self._spec.name).inc()
                log.info(
                    "batch failed, applying its messages one at a time",
                    messages=len(received),
                    error=_short(exc, 300),
                )
                for item in received:
                    task = asyncio.create_task(self._alone_now(item))
                    self._alone.add(task)
                    task.add_done_callback(self._alone.discard)
                return
            elapsed = time.perf_counter() - started
            BATCHES.labels(self._spec.name).observe(len(received))
            for event_type in {item.event.type for item in received}:
                HANDLER_DURATION.labels(self._spec.name, event_type).observe(elapsed)
            for item in received:
                await self._settle(item.message, item.message.ack())
                EVENTS_CONSUMED.labels(
                    self._spec.name,
                    item.event.type,
                    "applied" if item.event.id in applied else "duplicate",
                ).inc()
            return

    async def _apply_batch(self, events: list[CloudEvent[Any]]) -> set[str]:
        """Apply the new events of ``events`` in one transaction, in order; the ids of
        those applied (the others were applied before)."""
        async with self._session_factory.begin() as session:
            new = await record_first_deliveries(
                session, [(e.id, e.type) for e in events], queue=self._spec.name
            )
            todo = set(new)
            runs: list[tuple[Route, list[CloudEvent[Any]]]] = []
            for event in events:
                if event.id not in todo:
                    continue
                todo.discard(event.id)  # the same event twice in a batch: once
                route = self._router.route_for(event.type)
                assert route is not None  # decoded, so routed
                # A handler registered for several types takes their events in one run.
                if runs and runs[-1][0].apply is route.apply:
                    runs[-1][1].append(event)
                else:
                    runs.append((route, [event]))
            for route, run in runs:
                await route.apply(session, run)
            return new

    async def _alone_now(self, item: _Received) -> None:
        with _bound(item.message):
            await self._settle(item.message, self._process(item.message, item.event))

    async def _settle(self, message: AbstractIncomingMessage, outcome: Awaitable[None]) -> None:
        """Await what acks, requeues or dead-letters ``message``; it leaves our hands."""
        try:
            await outcome
        except CHANNEL_GONE as exc:
            # The broker went away before the ack: it delivers the message again, and
            # the inbox drops it if it was applied.
            log.warning(
                "channel closed before the ack; the message comes again",
                error=type(exc).__name__,
            )
        finally:
            MESSAGES_IN_HAND.labels(self._spec.name).dec()

    async def _process(self, message: AbstractIncomingMessage, event: CloudEvent[Any]) -> None:
        """Apply one event in a transaction of its own, with retries and dead-lettering."""
        failures = _delivery_count(message)
        outage_wait = self._retry_base
        while True:
            started = time.perf_counter()
            try:
                async with self._slots:
                    applied = event.id in await self._apply_batch([event])
            except RejectEvent as exc:
                HANDLER_FAILURES.labels(self._spec.name, event.type, "rejected").inc()
                await self._dead_letter(message, event.type, "rejected", str(exc))
                return
            except Exception as exc:
                if is_transient_database_error(exc):
                    HANDLER_FAILURES.labels(self._spec.name, event.type, "database_away").inc()
                    if self._stopping:
                        await self._requeue(message, event.type)
                        return
                    log.warning("database away, holding the message", error=_short(exc, 200))
                    await asyncio.sleep(outage_wait)
                    outage_wait = min(outage_wait * 2, self._retry_max)
                    continue
                failures += 1
                HANDLER_FAILURES.labels(self._spec.name, event.type, type(exc).__name__).inc()
                log.warning(
                    "handler failed", attempt=failures, error=_short(exc, 300), exc_info=True
                )
                if failures >= self._max_attempts or self._stopping:
                    if self._stopping and failures < self._max_attempts:
                        await self._requeue(message, event.type)
                    else:
                        await self._dead_letter(
                            message, event.type, "handler_failed", f"{type(exc).__name__}: {exc}"
                        )
                    return
                await asyncio.sleep(self._backoff(failures))
                continue
            HANDLER_DURATION.labels(self._spec.name, event.type).observe(
                time.perf_counter() - started
            )
            await message.ack()
            EVENTS_CONSUMED.labels(
                self._spec.name, event.type, "applied" if applied else "duplicate"
            ).inc()
            return

    def _backoff(self, failures: int) -> float:
        ceiling = min(self._retry_max, self._retry_base * 2 ** (failures - 1))
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not crypto

    async def _requeue(self, message: AbstractIncomingMessage, event_type: str) -> None:
        await message.nack(requeue=True)
        EVENTS_CONSUMED.labels(self._spec.name, event_type, "requeued").inc()

    async def _dead_letter(
        self, message: AbstractIncomingMessage, event_type: str, reason: str, detail: str
    ) -> None:
        headers: dict[str, Any] = dict(message.headers or {})
        headers.update(
            {
                REASON_HEADER: reason,
                DETAIL_HEADER: _short(detail, 2000),
                QUEUE_HEADER: self._spec.name,
                ROUTING_KEY_HEADER: message.routing_key or "",
                FAILED_AT_HEADER: datetime.now(UTC).isoformat(),
            }
        )
        try:
            await self._dead_letters.publish(
                routing_key=self._spec.name,
                body=message.body,
                message_id=message.message_id or "",
                event_type=message.type or "",
                correlation_id=message.correlation_id,
                timestamp=message.timestamp,
                headers=headers,
            )
        except PublishFailed as exc:
            log.error("dead-lettering failed, message requeued", error=str(exc))
            await self._requeue(message, event_type)
            return
        await message.ack()
        EVENTS_CONSUMED.labels(self._spec.name, event_type, "dead_lettered").inc()
        DEAD_LETTERED.labels(self._spec.name, event_type, reason).inc()
        log.error("message dead-lettered", reason=reason, detail=_short(detail, 300))


# Put in the batcher's queue by ``stop``: nothing more will come.
_STOP: Any = object()


def _bound(message: AbstractIncomingMessage) -> Any:
    return structlog.contextvars.bound_contextvars(
        event_id=message.message_id,
        correlation_id=message.correlation_id,
        event_type=message.type,
    )


def _delivery_count(message: AbstractIncomingMessage) -> int:
    value = (message.headers or {}).get("x-delivery-count")
    if isinstance(value, (int, str)):
        try:
            return int(value)
        except ValueError:
            return 0
    return 0
