"""A dead letter, read from the message its dead-letter queue holds: pure functions.

A message reaches a dead-letter queue two ways. The consumer puts it there itself
(``x-ticketing-dead-letter-*`` headers: the reason, the detail of the error, the queue
and routing key it came from, when). Or RabbitMQ does, after the queue's delivery
limit (an ``x-death`` header, reason ``delivery_limit``). Both read the same way here.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ticketing_common.messaging.consumer import (
    DETAIL_HEADER,
    FAILED_AT_HEADER,
    QUEUE_HEADER,
    REASON_HEADER,
    ROUTING_KEY_HEADER,
)

# Added on replay: how often the message was sent back, and when last.
REPLAYS_HEADER = "x-ticketing-replays"
REPLAYED_AT_HEADER = "x-ticketing-replayed-at"

DEAD_LETTER_HEADERS = frozenset(
    {REASON_HEADER, DETAIL_HEADER, QUEUE_HEADER, ROUTING_KEY_HEADER, FAILED_AT_HEADER}
)
# What RabbitMQ writes when it dead-letters a message, or delivers it again.
BROKER_HEADERS = frozenset(
    {
        "x-death",
        "x-first-death-reason",
        "x-first-death-queue",
        "x-first-death-exchange",
        "x-last-death-reason",
        "x-last-death-queue",
        "x-last-death-exchange",
        "x-delivery-count",
    }
)


@dataclass(frozen=True)
class RawMessage:
    """What the broker holds, whatever client read it."""

    body: bytes
    headers: Mapping[str, Any] = field(default_factory=dict)
    message_id: str | None = None
    event_type: str | None = None
    correlation_id: str | None = None
    timestamp: datetime | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class DeadLetter:
    # Stable while the message waits: a digest of its event id, when it was
    # dead-lettered and its body (see ``dead_letter_id``).
    id: str
    # The consuming queue it was taken from, and where a replay sends it back.
    queue: str
    reason: str
    detail: str | None
    original_routing_key: str | None
    dead_lettered_at: datetime | None
    replays: int
    message: RawMessage

    @property
    def message_id(self) -> str | None:
        return self.message.message_id

    @property
    def event_type(self) -> str | None:
        return self.message.event_type

    @property
    def original_headers(self) -> dict[str, Any]:
        """The headers the message had before it was dead-lettered, JSON-safe.

        ``x-delivery-count`` is left out: in the dead-letter queue it counts how often
        the letter was browsed, not how often it failed."""
        return {
            name: jsonable(value)
            for name, value in sorted(self.message.headers.items())
            if name not in DEAD_LETTER_HEADERS and name != "x-delivery-count"
        }

    def matches(self, key: str) -> bool:
        """A dead letter is named by its id, or by the event id it carries."""
        return key in (self.id, self.message.message_id)


def read_dead_letter(message: RawMessage, *, queue: str) -> DeadLetter:
    """The dead letter ``message`` is, found in the dead-letter queue of ``queue``."""
    headers = message.headers
    if REASON_HEADER in headers:
        reason = _text(headers.get(REASON_HEADER)) or "unknown"
        detail = _text(headers.get(DETAIL_HEADER))
        routing_key = _text(headers.get(ROUTING_KEY_HEADER))
        at = _instant(headers.get(FAILED_AT_HEADER))
        stamp = _text(headers.get(FAILED_AT_HEADER)) or ""
    else:
        death = _first_death(headers)
        reason = (
            _text(headers.get("x-first-death-reason")) or _text(death.get("reason")) or "unknown"
        )
        routing_keys = death.get("routing-keys")
        routing_key = (
            _text(routing_keys[0]) if isinstance(routing_keys, list) and routing_keys else None
        )
        at = _instant(death.get("time"))
        stamp = at.isoformat() if at else ""
        count = death.get("count")
        detail = f"dead-lettered by RabbitMQ ({reason})" + (
            f" after {count} death(s)" if isinstance(count, int) else ""
        )
    return DeadLetter(
        id=dead_letter_id(message, stamp),
        queue=queue,
        reason=reason,
        detail=detail,
        original_routing_key=routing_key,
        dead_lettered_at=at,
        replays=_count(headers.get(REPLAYS_HEADER)),
        message=message,
    )


def dead_letter_id(message: RawMessage, dead_lettered_at: str) -> str:
    digest = hashlib.sha256()
    for part in (message.message_id or "", dead_lettered_at):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(message.body)
    return digest.hexdigest()[:16]


def replay_headers(letter: DeadLetter, now: datetime) -> dict[str, Any]:
    """The headers a replayed message travels with: its own, without any trace of its
    death (the consumer would count the broker's ``x-delivery-count`` as failures), and
    how often it has been replayed."""
    headers = {
        name: value
        for name, value in letter.message.headers.items()
        if name not in DEAD_LETTER_HEADERS and name not in BROKER_HEADERS
    }
    headers[REPLAYS_HEADER] = letter.replays + 1
    headers[REPLAYED_AT_HEADER] = now.astimezone(UTC).isoformat()
    return headers


def body_for_display(body: bytes) -> tuple[str, str]:
    """The body as text when it is UTF-8, else as base64; and which of the two."""
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(body).decode("ascii"), "base64"


def jsonable(value: Any) -> Any:
    """An AMQP header value as JSON can carry it."""
    if isinstance(value, bytes | bytearray | memoryview):
        text, encoding = body_for_display(bytes(value))
        return text if encoding == "utf-8" else {"base64": text}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _first_death(headers: Mapping[str, Any]) -> Mapping[str, Any]:
    deaths = headers.get("x-death")
    if not isinstance(deaths, list) or not deaths:
        return {}
    first_queue = _text(headers.get("x-first-death-queue"))
    for death in deaths:
        if isinstance(death, Mapping) and _text(death.get("queue")) == first_queue:
            return death
    # x-death lists the most recent death first.
    last = deaths[-1]
    return last if isinstance(last, Mapping) else {}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def _instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = _text(value)
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _count(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    try:
        return int(_text(value) or 0)
    except ValueError:
        return 0
