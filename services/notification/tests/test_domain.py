"""The pure rules: recipients, retries, identities."""

from __future__ import annotations

import pytest

from notification.domain.delivery import DeliveryStatus
from notification.domain.mailbox import parse_mailbox
from notification.domain.recipients import distinct_recipients
from notification.domain.retry import RetryPolicy
from notification.domain.threads import legacy_message_id
from ticketing_common.events.parts import Recipient
from ticketing_common.reference import Language

from .factories import jeanne


def test_recipients_are_the_interlocutor_then_the_notify_list_once_per_address() -> None:
    notify = [
        Recipient(name="Paul", email="paul@example.com", language=Language.FR),
        Recipient(name="Jeanne again", email="JEANNE.MARTIN@example.com", language=Language.EN),
        Recipient(name="Paul twice", email="Paul@Example.com", language=Language.EN),
        Recipient(email="noc@example.com", language=Language.EN),
    ]
    recipients = distinct_recipients(jeanne(), notify)
    assert [(r.email, r.name, r.language) for r in recipients] == [
        ("jeanne.martin@example.com", "Jeanne Martin", Language.FR),
        ("paul@example.com", "Paul", Language.FR),
        ("noc@example.com", None, Language.EN),
    ]


def test_a_recipient_without_an_address_is_skipped() -> None:
    assert distinct_recipients(jeanne(), [Recipient(email="  ", language=Language.FR)]) == [
        jeanne()
    ]


POLICY = RetryPolicy(max_attempts=4, base_seconds=10, max_seconds=25)


def upper(low: float, high: float) -> float:
    return high


def lower(low: float, high: float) -> float:
    return low


def test_delays_double_with_jitter_in_their_upper_half_and_are_capped() -> None:
    assert POLICY.after_failure(1, permanent=False, jitter=upper).delay_seconds == 10
    assert POLICY.after_failure(1, permanent=False, jitter=lower).delay_seconds == 5
    assert POLICY.after_failure(2, permanent=False, jitter=upper).delay_seconds == 20
    assert POLICY.after_failure(3, permanent=False, jitter=upper).delay_seconds == 25
    for attempt in range(1, 4):
        decision = POLICY.after_failure(attempt, permanent=False)
        assert decision.status is DeliveryStatus.RETRYING
        assert decision.delay_seconds is not None
        assert 0 < decision.delay_seconds <= 25


def test_the_last_attempt_fails_for_good() -> None:
    decision = POLICY.after_failure(4, permanent=False)
    assert decision.status is DeliveryStatus.FAILED
    assert decision.delay_seconds is None


def test_a_permanent_refusal_fails_at_once() -> None:
    decision = POLICY.after_failure(1, permanent=True)
    assert decision.status is DeliveryStatus.FAILED
    assert decision.delay_seconds is None


def test_a_delivery_recorded_before_stored_identities_keeps_its_message_id() -> None:
    assert legacy_message_id(42, "ticketing.invalid") == "<delivery-42@ticketing.invalid>"


def test_mail_from_is_read_with_or_without_a_name() -> None:
    named = parse_mailbox("Incident desk <incidents@ticketing.invalid>")
    assert (named.display_name, named.address, named.domain) == (
        "Incident desk",
        "incidents@ticketing.invalid",
        "ticketing.invalid",
    )
    assert parse_mailbox("desk@example.com").display_name == ""


@pytest.mark.parametrize("value", ["", "no address", "Desk <desk>", "desk@"])
def test_mail_from_without_an_address_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="email address"):
        parse_mailbox(value)
