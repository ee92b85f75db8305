"""A round's emails to one recipient go one after the other, in the order they were
recorded; different recipients' go side by side."""

from __future__ import annotations

from notification.adapters.delivery_claims import ClaimedDelivery
from notification.adapters.mime import OutgoingEmail
from notification.handlers.sending import by_recipient


def claimed(delivery_id: int, recipient: str) -> ClaimedDelivery:
    return ClaimedDelivery(
        email=OutgoingEmail(
            delivery_id=delivery_id,
            recipient_email=recipient,
            recipient_name=None,
            language="fr",
            subject="s",
            body_text="t",
            body_html="h",
        ),
        kind="acknowledgement",
        org_id="ORG-1",
        attempts=0,
        attempts_since_resend=0,
    )


def test_each_recipient_gets_their_emails_in_the_order_they_were_recorded() -> None:
    round_ = [
        claimed(7, "paul@example.com"),
        claimed(3, "Paul@Example.com "),
        claimed(5, "noc@example.com"),
        claimed(4, "paul@example.com"),
    ]
    grouped = by_recipient(round_)
    assert {key: [d.email.delivery_id for d in emails] for key, emails in grouped.items()} == {
        "paul@example.com": [3, 4, 7],
        "noc@example.com": [5],
    }
