"""A delivery as an email: ``multipart/alternative``, text first, HTML preferred."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from notification.domain.delivery import message_id
from notification.domain.headers import clean_header
from notification.domain.mailbox import Mailbox


@dataclass(frozen=True)
class OutgoingEmail:
    delivery_id: int
    recipient_email: str
    recipient_name: str | None
    subject: str
    body_text: str
    body_html: str


def compose_message(email: OutgoingEmail, *, sender: Mailbox, now: datetime) -> EmailMessage:
    """The message to hand to the server; ``ValueError`` if the recipient's address
    cannot be written in a header (the delivery can then never be sent)."""
    # The SMTP policy writes CRLF line ends, as the wire wants; every header value
    # is cleaned again here, whatever was stored.
    message = EmailMessage(policy=SMTP)
    message["From"] = sender.header()
    message["To"] = _recipient(email)
    message["Subject"] = clean_header(email.subject)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(email.delivery_id, sender.domain)
    # Out-of-office replies and mailing lists leave automatic messages alone.
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps the accents intact through relays that only speak 7 bits.
    message.set_content(email.body_text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(
        email.body_html, subtype="html", charset="utf-8", cte="quoted-printable"
    )
    return message


def _recipient(email: OutgoingEmail) -> Address:
    address = email.recipient_email.strip()
    if any(char.isspace() or ord(char) < 32 for char in address) or "@" not in address:
        raise ValueError("the recipient's address is not a valid email address")
    return Address(display_name=clean_header(email.recipient_name or ""), addr_spec=address)
