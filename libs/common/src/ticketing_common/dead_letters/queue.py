"""Reading and acting on one consuming queue's dead letters, on the broker itself.

The dead-letter queue stays the only record of its messages: nothing is copied into a
database that could disagree with it. RabbitMQ queues cannot be browsed, so reading
takes the messages without acking them and gives them back by closing the channel; a
reader that dies mid-way gives them back the same way. A replay publishes the message
again to the consuming queue, waits for the broker's confirm, and only then acks the
dead letter (a crash between the two leaves a copy in both places: the consumer's inbox
drops the second). A purge acks it.

One operator at a time per dead-letter queue: every operation first declares the
exclusive queue ``<dead-letter queue>.operator-lock`` on its connection. A second
operation finds it locked (``DeadLettersBusy``); the lock goes with the connection, even
when its process is killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import aio_pika
import aiormq.exceptions
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage

from ticketing_common.dead_letters.letter import (
    DeadLetter,
    RawMessage,
    read_dead_letter,
    replay_headers,
)
from ticketing_common.logging import get_logger
from ticketing_common.messaging.topology import QueueSpec

log = get_logger(__name__)

# A scan holds this many messages unacked at most (and the prefetch is a 16-bit count).
DEFAULT_SCAN_LIMIT = 10_000
Action = Literal["replay", "purge"]


class DeadLettersBusy(Exception):
    """Another operation holds these dead letters: try again in a moment."""


class BrokerUnavailable(Exception):
    """The broker did not answer."""


@dataclass(frozen=True)
class Browse:
    queue: str
    # Messages waiting in the dead-letter queue when it was read.
    total: int
    letters: list[DeadLetter]
    # The letters after ``letters``, when there are more.
    more: bool


@dataclass(frozen=True)
class Outcome:
    queue: str
    action: Action
    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    # Keys asked for that named no dead letter.
    not_found: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Selection:
    """Which dead letters an operation acts on: those named (by id or event id), or all
    of them; either way only those of ``reason`` when given."""

    keys: frozenset[str] | None = None
    reason: str | None = None

    def selects(self, letter: DeadLetter) -> bool:
        if self.reason is not None and letter.reason != self.reason:
            return False
        return self.keys is None or any(letter.matches(key) for key in self.keys)


@dataclass
class _Held:
    channel: AbstractChannel
    total: int
    messages: list[tuple[DeadLetter, AbstractIncomingMessage]]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class DeadLetterQueue:
    """The dead letters of one consuming queue (``spec``), on an open connection."""

    def __init__(
        self,
        connection: AbstractConnection,
        spec: QueueSpec,
        *,
        scan_limit: int = DEFAULT_SCAN_LIMIT,
        idle_seconds: float = 2.0,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        if not 1 <= scan_limit <= 65_535:
            raise ValueError("scan_limit must be between 1 and 65535")
        self._connection = connection
        self._spec = spec
        self._scan_limit = scan_limit
        self._idle_seconds = idle_seconds
        self._clock = clock

    @property
    def spec(self) -> QueueSpec:
        return self._spec

    @property
    def lock_name(self) -> str:
        return f"{self._spec.dead_letter_queue}.operator-lock"

    async def count(self) -> int:
        channel = await self._connection.channel()
        try:
            return await _message_count(channel, self._spec.dead_letter_queue)
        finally:
            await _close(channel)

    async def browse(
        self, *, offset: int = 0, limit: int = 50, reason: str | None = None
    ) -> Browse:
        """The letters from ``offset`` (oldest first), ``limit`` of them at most."""
        async with self._held() as held:
            letters = [
                letter for letter, _ in held.messages if reason is None or letter.reason == reason
            ]
            page = letters[offset : offset + limit]
            return Browse(
                queue=self._spec.name,
                total=held.total,
                letters=page,
                more=len(letters) > offset + limit,
            )

    async def find(self, key: str) -> list[DeadLetter]:
        """The letters named ``key`` (their id, or the event id they carry)."""
        async with self._held() as held:
            return [letter for letter, _ in held.messages if letter.matches(key)]

    async def replay(self, selection: Selection) -> Outcome:
        """Send the selected letters back to their consuming queue."""
        return await self._act("replay", selection)

    async def purge(self, selection: Selection) -> Outcome:
        """Remove the selected letters for good."""
        return await self._act("purge", selection)

    async def _act(self, action: Action, selection: Selection) -> Outcome:
        outcome = Outcome(queue=self._spec.name, action=action)
        found: set[str] = set()
        # A queue longer than one scan is worked through in several; "all" means the
        # letters there when the operation started, so the passes are bounded.
        passes = 1
        current = 0
        while current < passes:
            async with self._held() as held:
                if current == 0 and selection.keys is None:
                    passes = max(1, math.ceil(held.total / self._scan_limit))
                acted = 0
                for letter, message in held.messages:
                    if not selection.selects(letter):
                        continue
                    found.update(key for key in selection.keys or () if letter.matches(key))
                    try:
                        if action == "replay":
                            await self._send_back(held.channel, letter)
                        await message.ack()
                    except Exception as exc:
                        outcome.failed[letter.id] = f"{type(exc).__name__}: {exc}"
                        log.warning(
                            "dead letter not acted on", action=action, id=letter.id, error=str(exc)
                        )
                        continue
                    outcome.done.append(letter.id)
                    acted += 1
                log.info(
                    "dead letters acted on",
                    action=action,
                    queue=self._spec.name,
                    count=acted,
                    reason=selection.reason,
                )
                if acted == 0 or len(held.messages) < self._scan_limit:
                    break
            current += 1
        outcome.not_found.extend(sorted((selection.keys or frozenset()) - found))
        return outcome

    async def _send_back(self, channel: AbstractChannel, letter: DeadLetter) -> None:
        raw = letter.message
        message = aio_pika.Message(
            body=raw.body,
            headers=replay_headers(letter, self._clock()),
            message_id=raw.message_id,
            type=raw.event_type,
            correlation_id=raw.correlation_id,
            timestamp=raw.timestamp,
            content_type=raw.content_type,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        )
        # Straight to the consuming queue by the default exchange: the other services
        # bound to the event have applied it already.
        await channel.default_exchange.publish(
            message, routing_key=self._spec.name, mandatory=True, timeout=10
        )

    @contextlib.asynccontextmanager
    async def _held(self) -> AsyncIterator[_Held]:
        lock = await self._connection.channel()
        try:
            try:
                await lock.declare_queue(self.lock_name, exclusive=True, auto_delete=True)
            except aiormq.exceptions.ChannelLockedResource as exc:
                raise DeadLettersBusy(
                    f"another operation is working on {self._spec.dead_letter_queue}; "
                    "try again in a moment"
                ) from exc
            channel = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
            try:
                total, messages = await self._take(channel)
                yield _Held(channel, total, messages)
            finally:
                # Whatever was not acked goes back to the queue, in its order.
                await _close(channel)
        finally:
            with contextlib.suppress(Exception):
                await lock.queue_delete(self.lock_name)
            await _close(lock)

    async def _take(
        self, channel: AbstractChannel
    ) -> tuple[int, list[tuple[DeadLetter, AbstractIncomingMessage]]]:
        total = await _message_count(channel, self._spec.dead_letter_queue)
        wanted = min(total, self._scan_limit)
        taken: list[tuple[DeadLetter, AbstractIncomingMessage]] = []
        if not wanted:
            return total, taken
        await channel.set_qos(prefetch_count=wanted)
        queue = await channel.get_queue(self._spec.dead_letter_queue, ensure=False)
        arrived: asyncio.Queue[AbstractIncomingMessage] = asyncio.Queue()
        tag = await queue.consume(arrived.put)
        try:
            while len(taken) < wanted:
                try:
                    message = await asyncio.wait_for(arrived.get(), self._idle_seconds)
                except TimeoutError:
                    # Fewer than counted: some were taken away meanwhile.
                    break
                taken.append((read_dead_letter(_raw(message), queue=self._spec.name), message))
        finally:
            await queue.cancel(tag)
        return total, taken


@contextlib.asynccontextmanager
async def open_dead_letter_queue(
    amqp_url: str, spec: QueueSpec, *, timeout: float = 10.0
) -> AsyncIterator[DeadLetterQueue]:
    """A connection of its own for one operation: the service's consumer connection
    (robust, restoring its channels) is left alone."""
    try:
        connection = await aio_pika.connect(
            amqp_url, timeout=timeout, client_properties={"connection_name": "dead-letters"}
        )
    except (OSError, TimeoutError, aio_pika.exceptions.AMQPError) as exc:
        raise BrokerUnavailable(f"the broker did not answer: {type(exc).__name__}") from exc
    try:
        yield DeadLetterQueue(connection, spec)
    finally:
        await connection.close()


async def _message_count(channel: AbstractChannel, name: str) -> int:
    declared = await channel.declare_queue(name, passive=True)
    return declared.declaration_result.message_count or 0


async def _close(channel: AbstractChannel) -> None:
    if not channel.is_closed:
        with contextlib.suppress(Exception):
            await channel.close()


def _raw(message: AbstractIncomingMessage) -> RawMessage:
    return RawMessage(
        body=message.body,
        headers=dict(message.headers or {}),
        message_id=message.message_id,
        event_type=message.type,
        correlation_id=message.correlation_id,
        timestamp=message.timestamp,
        content_type=message.content_type,
    )
