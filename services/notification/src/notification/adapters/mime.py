"""A delivery as an email: ``multipart/alternative``, text first, HTML preferred."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from notification.domain.headers import clean_header
from notification.domain.mailbox import Mailbox
from notification.domain.threads import legacy_message_id, thread_headers


@dataclass(frozen=True)
class OutgoingEmail:
    delivery_id: int
    recipient_email: str
    recipient_name: str | None
    language: str
    subject: str
    body_text: str
    body_html: str
    # None only for deliveries recorded before identities were stored.
    message_id: str | None = None
    # The root of the recipient's thread; None for the root itself.
    in_reply_to: str | None = None


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
    own_id = clean_header(email.message_id or legacy_message_id(email.delivery_id, sender.domain))
    message["Message-ID"] = own_id
    thread = thread_headers(own_id, clean_header(email.in_reply_to or "") or None)
    if thread.in_reply_to is not None and thread.references is not None:
        message["In-Reply-To"] = thread.in_reply_to
        message["References"] = thread.references
    # Out-of-office replies and mailing lists leave automatic messages alone
    # (RFC 3834, and Exchange's own header).
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    # Quoted-printable keeps the accents intact through relays that only speak 7 bits.
    message.set_content(email.body_text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(
        email.body_html, subtype="html", charset="utf-8", cte="quoted-printable"
    )
    # Last: setting the content clears or moves the Content-* headers set before.
    message["Content-Language"] = clean_header(email.language)
    return message


def _recipient(email: OutgoingEmail) -> Address:
    address = email.recipient_email.strip()
    if any(char.isspace() or ord(char) < 32 for char in address) or "@" not in address:
        raise ValueError("the recipient's address is not a valid email address")
    return Address(display_name=clean_header(email.recipient_name or ""), addr_spec=address)
