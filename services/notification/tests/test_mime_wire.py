"""The message written directly on the wire: it reads back as the ``email`` package
composed it before, and as RFC 5322 and RFC 2047 readers (mail clients) read it,
whatever the names, subjects and bodies hold."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, default
from email.utils import format_datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notification.adapters.mime import OutgoingEmail, compose_message
from notification.domain.headers import clean_header
from notification.domain.mailbox import Mailbox, parse_mailbox
from notification.domain.threads import legacy_message_id, thread_headers

NOW = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
DESK = parse_mailbox("Incident desk <incidents@ticketing.invalid>")
SENDERS = [
    DESK,
    Mailbox("Service des incidents, « Lyon »", "incidents@ticketing.invalid"),
    parse_mailbox("incidents@ticketing.invalid"),
]
HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Auto-Submitted",
    "X-Auto-Response-Suppress",
    "MIME-Version",
    "Content-Language",
)


def outgoing(**overrides: object) -> OutgoingEmail:
    values: dict[str, object] = {
        "delivery_id": 7,
        "recipient_email": "jeanne.martin@example.com",
        "recipient_name": "Jeanne Martin",
        "language": "fr",
        "subject": "[INC0001234] Déclaration d'incident reçue – VPN down in Lyon",
        "body_text": "Bonjour Jeanne,\n\nélément concerné\n",
        "body_html": "<p>Bonjour Jeanne, élément concerné</p>\n",
        "message_id": "<b2@ticketing.invalid>",
        "in_reply_to": "<a1@ticketing.invalid>",
    }
    values.update(overrides)
    return OutgoingEmail(**values)  # type: ignore[arg-type]


def on_the_wire(email: OutgoingEmail, sender: Mailbox = DESK) -> bytes:
    raw = compose_message(email, sender=sender, now=NOW).as_bytes()
    # Seven bits, CRLF line ends, lines within 78 columns but for a word that cannot
    # be folded (and within RFC 5322's 998 always).
    assert raw.isascii()
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert b"\r" not in raw.replace(b"\r\n", b"")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 998
        if len(line) > 78:
            name, _, value = line.partition(b": ")
            assert b" " not in (value if name and not name.startswith(b" ") else line.strip())
    return raw


def parsed(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def raw_header(raw: bytes, name: str) -> str:
    """A header's value as written, unfolded."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii").replace("\r\n ", " ")
    [value] = [line.split(": ", 1)[1] for line in head.split("\r\n") if line.startswith(f"{name}:")]
    return value


def as_rfc_2047_reads_it(value: str) -> str:
    """A header's text as a mail client reads it: adjacent encoded words joined
    (Python's modern parser puts a space between those of a display name)."""
    return str(make_header(decode_header(value)))


def display_name(raw: bytes, name: str) -> str:
    written = raw_header(raw, name)
    if "<" not in written:
        return ""
    phrase = written.rsplit("<", 1)[0].strip()
    if phrase.startswith('"'):
        address = parsed(raw)[name].addresses[0]
        return str(address.display_name)
    return as_rfc_2047_reads_it(phrase)


def body(text: str) -> str:
    """A body as it reads back: CRLF line ends (where CR, LF or CRLF ended a line, as
    the email package split them), and a final one."""
    lines = text.encode("utf-8").splitlines()
    return "".join(f"{line.decode('utf-8')}\r\n" for line in lines) or "\r\n"


def assert_reads_back(email: OutgoingEmail, sender: Mailbox = DESK) -> None:
    raw = on_the_wire(email, sender)
    message = parsed(raw)
    assert message["Message-ID"] == clean_header(
        email.message_id or "<delivery-7@ticketing.invalid>"
    )
    assert message["Date"] == "Thu, 26 Nov 2026 16:00:00 +0000"
    assert message["Content-Language"] == email.language
    assert message.get_content_type() == "multipart/alternative"
    parts = [
        (p.get_content_type(), p.get_content_charset(), p.get_content())
        for p in message.iter_parts()
    ]
    assert parts == [
        ("text/plain", "utf-8", body(email.body_text)),
        ("text/html", "utf-8", body(email.body_html)),
    ]
    subject = clean_header(email.subject)
    assert as_rfc_2047_reads_it(raw_header(raw, "Subject")) == subject
    assert message["Subject"] == subject
    [to] = message["To"].addresses
    assert to.addr_spec == email.recipient_email
    assert display_name(raw, "To") == clean_header(email.recipient_name or "")
    [sent_by] = message["From"].addresses
    assert sent_by.addr_spec == sender.address
    assert display_name(raw, "From") == sender.display_name


def with_the_email_package(email: OutgoingEmail, *, sender: Mailbox) -> bytes:
    """How the message was composed before, with ``email.message.EmailMessage``."""
    message = EmailMessage(policy=SMTP)
    message["From"] = sender.header()
    address = email.recipient_email.strip()
    message["To"] = Address(
        display_name=clean_header(email.recipient_name or ""), addr_spec=address
    )
    message["Subject"] = clean_header(email.subject)
    message["Date"] = format_datetime(NOW)
    own_id = clean_header(email.message_id or legacy_message_id(email.delivery_id, sender.domain))
    message["Message-ID"] = own_id
    thread = thread_headers(own_id, clean_header(email.in_reply_to or "") or None)
    if thread.in_reply_to is not None and thread.references is not None:
        message["In-Reply-To"] = thread.in_reply_to
        message["References"] = thread.references
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(email.body_text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(
        email.body_html, subtype="html", charset="utf-8", cte="quoted-printable"
    )
    message["Content-Language"] = clean_header(email.language)
    return message.as_bytes()


def read_back(raw: bytes) -> dict[str, object]:
    message = parsed(raw)
    return {
        **{name: message[name] for name in HEADERS},
        "to": [(a.display_name, a.addr_spec) for a in message["To"].addresses],
        "from": [(a.display_name, a.addr_spec) for a in message["From"].addresses],
        "type": message.get_content_type(),
        "parts": [
            (p.get_content_type(), p.get_content_charset(), p.get_content())
            for p in message.iter_parts()
        ],
    }


REALISTIC = [
    {},
    {"recipient_name": None},
    {"recipient_name": "Paul Cc: attacker@evil.example"},
    {"recipient_name": 'Jeanne "la chef" Martin, DSI'},
    {"recipient_name": "Zoë Ñúñez-Łukasiewicz"},
    {"recipient_name": "Jeanne\r\nBcc: attacker@evil.example"},
    {"subject": "[INC0001234] VPN down in Lyon"},
    {"subject": "[INC0001234] " + "a long subject in plain English " * 4},
    {"subject": "Hello\r\nBcc: attacker@evil.example"},
    {"message_id": "<a1@ticketing.invalid>"},
    {"message_id": None, "in_reply_to": None},
    {"language": "en", "body_text": "Hello,\n\n" + "x" * 300 + "\n", "body_html": ""},
]


@pytest.mark.parametrize("overrides", REALISTIC)
@pytest.mark.parametrize("sender", SENDERS, ids=["ascii", "accents", "bare"])
def test_it_reads_back_as_the_email_package_wrote_it(
    overrides: dict[str, object], sender: Mailbox
) -> None:
    email = outgoing(**overrides)
    raw = on_the_wire(email, sender)
    assert read_back(raw) == read_back(with_the_email_package(email, sender=sender))
    assert_reads_back(email, sender)


@pytest.mark.parametrize(
    "name",
    [
        None,
        "",
        "Back\\slash (comment) <angle> [bracket] ; semi @ at . dot",
        "Émile " + "très long nom " * 14,
        "x" * 200,
        "ascii " * 30,
        "🙂" * 40,
        # The email package wrote this as it is: read back, it decoded to another name.
        "=?utf-8?q?not_an_encoded_word?=",
    ],
)
def test_any_recipient_name_reads_back(name: str | None) -> None:
    assert_reads_back(outgoing(recipient_name=name))


@pytest.mark.parametrize(
    "subject",
    [
        "",
        "Short",
        "[INC0001234] " + "un sujet assez long en français, avec des accents " * 4,
        "[INC0001234] " + "x" * 120,
        "Emojis 🙂🚀 and CJK 事件 " * 6,
        "=?utf-8?b?looks encoded?= but is not",
    ],
)
def test_any_subject_reads_back(subject: str) -> None:
    assert_reads_back(outgoing(subject=subject))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no final line break",
        "trailing spaces   \nand a tab\t\n",
        "a = sign, =3D, =?utf-8?q?x?= and == 100 %\n",
        ".\n..\n. leading dots\nFrom the start of a line\n",
        "x" * 300 + "\n" + "é" * 200 + "\n",
        "Windows\r\nline ends\r\nand a lone\rCR\n",
        "\n\n\nblank lines\n\n\n",
        "emoji 🙂 and <b>markup</b> & entities &amp;\n",
    ],
)
def test_any_body_reads_back(text: str) -> None:
    assert_reads_back(outgoing(body_text=text, body_html=f"<p>{text}</p>"))


def test_each_message_has_its_own_boundary() -> None:
    first = compose_message(outgoing(), sender=DESK, now=NOW).as_bytes()
    second = compose_message(outgoing(), sender=DESK, now=NOW).as_bytes()
    assert first != second


@settings(max_examples=300, deadline=None)
@given(
    name=st.one_of(st.none(), st.text(max_size=200)),
    subject=st.text(max_size=300),
    text=st.text(max_size=500),
)
def test_whatever_the_text_it_reads_back(name: str | None, subject: str, text: str) -> None:
    # A lone surrogate cannot be written in UTF-8 (nor could the email package).
    if any("\ud800" <= char <= "\udfff" for char in (name or "") + subject + text):
        return
    assert_reads_back(outgoing(recipient_name=name, subject=subject, body_text=text))
