"""A delivery as the mail server receives it, read back with the standard parser."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

import pytest

from notification.adapters.mime import OutgoingEmail, compose_message
from notification.domain.mailbox import parse_mailbox

SENDER = parse_mailbox("Incident desk <incidents@ticketing.invalid>")
NOW = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)


def outgoing(**overrides: object) -> OutgoingEmail:
    values: dict[str, object] = {
        "delivery_id": 7,
        "recipient_email": "jeanne.martin@example.com",
        "recipient_name": "Jeanne Martin",
        "language": "fr",
        "subject": "Déclaration d'incident reçue – VPN down in Lyon",
        "body_text": "Bonjour Jeanne,\nélément concerné\n",
        "body_html": "<p>Bonjour Jeanne, élément concerné</p>\n",
    }
    values.update(overrides)
    return OutgoingEmail(**values)  # type: ignore[arg-type]


def on_the_wire(email: OutgoingEmail) -> EmailMessage:
    raw = compose_message(email, sender=SENDER, now=NOW).as_bytes()
    parsed = message_from_bytes(raw, policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_the_message_carries_its_headers_and_two_alternatives() -> None:
    message = on_the_wire(outgoing())
    assert message["From"] == "Incident desk <incidents@ticketing.invalid>"
    assert message["To"] == "Jeanne Martin <jeanne.martin@example.com>"
    assert message["Subject"] == "Déclaration d'incident reçue – VPN down in Lyon"
    assert message["Message-ID"] == "<delivery-7@ticketing.invalid>"
    assert message["Date"] == "Thu, 26 Nov 2026 16:00:00 +0000"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    # The wire's line ends are CRLF.
    assert text.get_content() == "Bonjour Jeanne,\r\nélément concerné\r\n"
    assert html.get_content() == "<p>Bonjour Jeanne, élément concerné</p>\r\n"


def test_a_reply_names_the_thread_root_and_keeps_its_own_id() -> None:
    message = on_the_wire(
        outgoing(message_id="<b2@ticketing.invalid>", in_reply_to="<a1@ticketing.invalid>")
    )
    assert message["Message-ID"] == "<b2@ticketing.invalid>"
    assert message["In-Reply-To"] == "<a1@ticketing.invalid>"
    assert message["References"] == "<a1@ticketing.invalid>"
    assert message["Content-Language"] == "fr"
    assert message["X-Auto-Response-Suppress"] == "All"


def test_the_root_of_a_thread_names_none() -> None:
    message = on_the_wire(outgoing(message_id="<a1@ticketing.invalid>"))
    assert message["In-Reply-To"] is None
    assert message["References"] is None


def test_a_delivery_recorded_before_stored_identities_gets_its_old_id() -> None:
    assert on_the_wire(outgoing())["Message-ID"] == "<delivery-7@ticketing.invalid>"


def test_line_breaks_in_the_stored_subject_or_name_add_no_header() -> None:
    message = on_the_wire(
        outgoing(
            subject="Hello\r\nBcc: attacker@evil.example",
            recipient_name="Jeanne\r\nBcc: attacker@evil.example",
        )
    )
    assert message["Bcc"] is None
    assert message["Subject"] == "Hello Bcc: attacker@evil.example"
    assert message["To"].addresses[0].addr_spec == "jeanne.martin@example.com"
    assert len(message["To"].addresses) == 1


@pytest.mark.parametrize(
    "address", ["jeanne@example.com\r\nBcc: attacker@evil.example", "no-at-sign", "a b@example.com"]
)
def test_an_address_that_cannot_be_written_is_refused(address: str) -> None:
    with pytest.raises(ValueError, match="address"):
        compose_message(outgoing(recipient_email=address), sender=SENDER, now=NOW)
