"""Reading a dead letter from the message its queue holds: pure rules."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from ticketing_common.dead_letters.letter import (
    REPLAYED_AT_HEADER,
    REPLAYS_HEADER,
    RawMessage,
    body_for_display,
    jsonable,
    read_dead_letter,
    replay_headers,
)
from ticketing_common.dead_letters.queue import Selection
from ticketing_common.messaging.consumer import (
    DETAIL_HEADER,
    FAILED_AT_HEADER,
    QUEUE_HEADER,
    REASON_HEADER,
    ROUTING_KEY_HEADER,
)

DEAD_AT = "2026-11-27T10:00:00.123456+00:00"


def consumer_dead_letter(**overrides: object) -> RawMessage:
    headers: dict[str, object] = {
        "trace": "abc",
        "x-delivery-count": 3,
        REASON_HEADER: "handler_failed",
        DETAIL_HEADER: "RuntimeError: boom",
        QUEUE_HEADER: "search.events",
        ROUTING_KEY_HEADER: "ticket.updated",
        FAILED_AT_HEADER: DEAD_AT,
    }
    headers.update(overrides)
    return RawMessage(
        body=b'{"id": "e-1"}',
        headers=headers,
        message_id="e-1",
        event_type="ticket.updated.v1",
        correlation_id="d-1",
    )


def test_a_letter_the_consumer_dead_lettered_tells_why_and_keeps_its_own_headers() -> None:
    letter = read_dead_letter(consumer_dead_letter(), queue="search.events")
    assert letter.reason == "handler_failed"
    assert letter.detail == "RuntimeError: boom"
    assert letter.original_routing_key == "ticket.updated"
    assert letter.dead_lettered_at == datetime(2026, 11, 27, 10, 0, 0, 123456, tzinfo=UTC)
    assert letter.queue == "search.events"
    assert letter.replays == 0
    # The original headers, without the reason (shown apart) nor the browse count.
    assert letter.original_headers == {"trace": "abc"}


def test_a_letter_the_broker_dead_lettered_tells_its_death() -> None:
    died = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    message = RawMessage(
        body=b"{}",
        headers={
            "x-first-death-reason": "delivery_limit",
            "x-first-death-queue": "notification.events",
            "x-death": [
                {
                    "reason": "delivery_limit",
                    "queue": "notification.events",
                    "count": 1,
                    "time": died,
                    "routing-keys": ["incident.declared"],
                    "exchange": "ticketing.events",
                }
            ],
        },
        message_id="e-2",
    )
    letter = read_dead_letter(message, queue="notification.events")
    assert letter.reason == "delivery_limit"
    assert letter.original_routing_key == "incident.declared"
    assert letter.dead_lettered_at == died
    assert letter.detail is not None
    assert "delivery_limit" in letter.detail


def test_a_letter_without_any_trace_of_its_death_still_reads() -> None:
    letter = read_dead_letter(RawMessage(body=b"\xff\xfe"), queue="q")
    assert letter.reason == "unknown"
    assert letter.message_id is None
    assert letter.dead_lettered_at is None


def test_the_id_is_stable_and_tells_apart_two_deaths_of_one_event() -> None:
    first = read_dead_letter(consumer_dead_letter(), queue="q")
    again = read_dead_letter(consumer_dead_letter(**{"x-delivery-count": 7}), queue="q")
    later = read_dead_letter(
        consumer_dead_letter(**{FAILED_AT_HEADER: "2026-11-27T11:00:00+00:00"}), queue="q"
    )
    assert first.id == again.id
    assert first.id != later.id
    assert len(first.id) == 16
    # Named by its id or by its event id.
    assert first.matches(first.id)
    assert first.matches("e-1")
    assert not first.matches("e-2")


def test_a_replay_carries_no_trace_of_death_and_counts_replays() -> None:
    letter = read_dead_letter(
        consumer_dead_letter(
            **{
                REPLAYS_HEADER: 2,
                "x-death": [{"reason": "rejected"}],
                "x-first-death-reason": "rejected",
            }
        ),
        queue="q",
    )
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    headers = replay_headers(letter, now)
    assert headers == {
        "trace": "abc",
        REPLAYS_HEADER: 3,
        REPLAYED_AT_HEADER: "2026-11-27T12:00:00+00:00",
    }


def test_selections_pick_by_key_and_reason() -> None:
    letter = read_dead_letter(consumer_dead_letter(), queue="q")
    assert Selection().selects(letter)
    assert Selection(keys=frozenset({"e-1"})).selects(letter)
    assert Selection(keys=frozenset({letter.id, "other"})).selects(letter)
    assert not Selection(keys=frozenset({"other"})).selects(letter)
    assert Selection(reason="handler_failed").selects(letter)
    assert not Selection(reason="rejected").selects(letter)


def test_bodies_and_header_values_become_json() -> None:
    assert body_for_display(b'{"a": "\xc3\xa9"}') == ('{"a": "é"}', "utf-8")
    assert body_for_display(b"\xff") == ("/w==", "base64")
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert jsonable(
        {"b": b"text", "raw": b"\xff", "at": at, "n": Decimal("1.5"), "l": (1, None)}
    ) == {
        "b": "text",
        "raw": {"base64": "/w=="},
        "at": "2026-01-01T00:00:00+00:00",
        "n": "1.5",
        "l": [1, None],
    }
