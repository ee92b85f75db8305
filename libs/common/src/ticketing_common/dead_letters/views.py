"""Dead letters as the operations endpoint and the command line show them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from ticketing_common.dead_letters.letter import DeadLetter, body_for_display
from ticketing_common.dead_letters.queue import Outcome


class DeadLetterSummary(BaseModel):
    id: str = Field(description="Names this dead letter while it waits (or use its event id).")
    queue: str = Field(description="The consuming queue it came from, where a replay sends it.")
    reason: str = Field(
        description="rejected (can never be applied), handler_failed (kept failing), "
        "delivery_limit (the broker gave up on it), ..."
    )
    detail: str | None = Field(description="The error, as the consumer saw it.")
    dead_lettered_at: datetime | None
    event_id: str | None
    event_type: str | None
    correlation_id: str | None
    original_routing_key: str | None
    replays: int = Field(description="How often it was replayed before.")
    body_size: int


class DeadLetterDetail(DeadLetterSummary):
    content_type: str | None
    published_at: datetime | None
    headers: dict[str, Any] = Field(description="The message's headers before it died.")
    body: str
    body_encoding: Literal["utf-8", "base64"]


class DeadLetterPage(BaseModel):
    queue: str
    total: int = Field(description="Dead letters waiting in this queue.")
    items: list[DeadLetterSummary]
    next_cursor: str | None = None


class FailedLetter(BaseModel):
    id: str
    error: str


class DeadLetterOutcome(BaseModel):
    queue: str
    action: Literal["replay", "purge"]
    done: list[str] = Field(description="Ids of the dead letters replayed or purged.")
    failed: list[FailedLetter]
    not_found: list[str] = Field(description="Keys asked for that named no dead letter.")


def summary_of(letter: DeadLetter) -> DeadLetterSummary:
    return DeadLetterSummary(**_summary_fields(letter))


def detail_of(letter: DeadLetter) -> DeadLetterDetail:
    body, encoding = body_for_display(letter.message.body)
    return DeadLetterDetail(
        **_summary_fields(letter),
        content_type=letter.message.content_type,
        published_at=letter.message.timestamp,
        headers=letter.original_headers,
        body=body,
        body_encoding="utf-8" if encoding == "utf-8" else "base64",
    )


def outcome_of(outcome: Outcome) -> DeadLetterOutcome:
    return DeadLetterOutcome(
        queue=outcome.queue,
        action=outcome.action,
        done=list(outcome.done),
        failed=[FailedLetter(id=key, error=error) for key, error in outcome.failed.items()],
        not_found=list(outcome.not_found),
    )


def _summary_fields(letter: DeadLetter) -> dict[str, Any]:
    return {
        "id": letter.id,
        "queue": letter.queue,
        "reason": letter.reason,
        "detail": letter.detail,
        "dead_lettered_at": letter.dead_lettered_at,
        "event_id": letter.message.message_id,
        "event_type": letter.message.event_type,
        "correlation_id": letter.message.correlation_id,
        "original_routing_key": letter.original_routing_key,
        "replays": letter.replays,
        "body_size": len(letter.message.body),
    }
