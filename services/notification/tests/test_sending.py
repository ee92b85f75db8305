"""The sender against real SMTP servers and the real database."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from notification.adapters.smtp_endpoint import parse_smtp_url
from notification.adapters.smtp_transport import SmtpTransport
from notification.adapters.tables import Delivery
from notification.domain.mailbox import parse_mailbox
from notification.domain.retry import RetryPolicy
from notification.entrypoints.sender import DeliverySender
from notification.handlers.sending import Sending
from ticketing_common.db.engine import SessionFactory, asyncpg_dsn
from ticketing_devkit.mailcatcher import MailCatcher

from .factories import declared, jeanne
from .smtp_servers import ScriptedHandler, free_port, scripted_server
from .support import declare, deliveries, wait_until

FAST_RETRIES = RetryPolicy(max_attempts=3, base_seconds=0.05, max_seconds=0.2)


def sending(
    session_factory: SessionFactory,
    smtp_url: str,
    *,
    policy: RetryPolicy = FAST_RETRIES,
    batch_size: int = 10,
    hourly_limit: int = 1000,
    clock: Callable[[], datetime] | None = None,
) -> Sending:
    return Sending(
        session_factory=session_factory,
        transport=SmtpTransport(parse_smtp_url(smtp_url), timeout_seconds=5),
        sender=parse_mailbox("Incident desk <incidents@ticketing.invalid>"),
        policy=policy,
        batch_size=batch_size,
        lease=timedelta(seconds=60),
        hourly_limit=hourly_limit,
        **({"clock": clock} if clock is not None else {}),
    )


async def only_delivery(session_factory: SessionFactory) -> Delivery:
    rows = await deliveries(session_factory)
    assert len(rows) == 1
    return rows[0]


async def test_a_delivery_reaches_the_server_with_its_headers_and_both_parts(
    session_factory: SessionFactory, mail_catcher: MailCatcher
) -> None:
    event = declared(notify=[])
    await declare(session_factory, event)
    assert await sending(session_factory, mail_catcher.url).send_due() == 1

    delivery = await only_delivery(session_factory)
    assert delivery.status == "sent"
    assert delivery.attempts == 1
    assert delivery.sent_at is not None
    [mail] = mail_catcher.messages
    assert mail.sender == "incidents@ticketing.invalid"
    assert mail.recipients == (jeanne().email,)
    message = mail.message
    assert message["From"] == "Incident desk <incidents@ticketing.invalid>"
    assert message["To"] == "Jeanne Martin <jeanne.martin@example.com>"
    assert message["Subject"] == "Déclaration d'incident reçue – VPN down in Lyon"
    assert message["Message-ID"] == delivery.message_id
    assert re.fullmatch(r"<[0-9a-f]{32}@ticketing\.invalid>", message["Message-ID"])
    assert message["Content-Language"] == "fr"
    # The first email about the incident: it refers to none.
    assert message["In-Reply-To"] is None
    assert message["References"] is None
    assert message["Date"] is not None
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    link = f"https://portal.example.com/incidents/{event.data.declaration_id}"
    assert link in mail.text()
    assert "Service indisponible" in mail.text()
    assert f'href="{link}"' in mail.html()
    # Nothing is left to send.
    assert await sending(session_factory, mail_catcher.url).send_due() == 0
    assert len(mail_catcher.messages) == 1


async def test_the_sender_wakes_as_soon_as_a_delivery_is_recorded(
    session_factory: SessionFactory, database_url: str, mail_catcher: MailCatcher
) -> None:
    # Polling every minute: only the insert trigger's notification can be this quick.
    sender = DeliverySender(
        sending(session_factory, mail_catcher.url),
        dsn=asyncpg_dsn(database_url),
        poll_seconds=60,
    )
    sender.start()
    try:
        await asyncio.sleep(0.5)
        await declare(session_factory, declared())

        async def three_mails() -> bool:
            return len(mail_catcher.messages) == 3

        await wait_until(three_mails, timeout=5, what="three emails")
    finally:
        await sender.stop(5)
    assert {m.recipients[0] for m in mail_catcher.messages} == {
        "jeanne.martin@example.com",
        "paul@example.com",
        "noc@example.com",
    }
    assert {row.status for row in await deliveries(session_factory)} == {"sent"}


async def test_a_server_down_then_up_gets_the_email_exactly_once(
    session_factory: SessionFactory, database_url: str
) -> None:
    port = free_port()
    policy = RetryPolicy(max_attempts=50, base_seconds=0.05, max_seconds=0.2)
    sender = DeliverySender(
        sending(session_factory, f"smtp://127.0.0.1:{port}", policy=policy),
        dsn=asyncpg_dsn(database_url),
        poll_seconds=0.05,
    )
    sender.start()
    catcher: MailCatcher | None = None
    try:
        await declare(session_factory, declared(notify=[]))

        async def retried_twice() -> bool:
            delivery = await only_delivery(session_factory)
            return delivery.status == "retrying" and delivery.attempts >= 2

        await wait_until(retried_twice, what="two failed attempts")
        failing = await only_delivery(session_factory)
        assert failing.last_error is not None
        assert failing.sent_at is None

        catcher = MailCatcher(port=port).start()

        async def sent() -> bool:
            return (await only_delivery(session_factory)).status == "sent"

        await wait_until(sent, what="the email sent")
        await asyncio.sleep(0.5)  # time enough for a second copy, were there one
    finally:
        await sender.stop(5)
        if catcher is not None:
            catcher.stop()
    assert catcher is not None
    assert len(catcher.messages) == 1
    delivery = await only_delivery(session_factory)
    assert delivery.attempts >= 3
    assert delivery.sent_at is not None


async def test_a_permanent_refusal_fails_at_once_with_the_server_reply(
    session_factory: SessionFactory,
) -> None:
    handler = ScriptedHandler(rcpt_reply="550 5.1.1 No such user here")
    await declare(session_factory, declared(notify=[]))
    with scripted_server(handler) as url:
        assert await sending(session_factory, url).send_due() == 1
        await asyncio.sleep(0.3)  # past any retry delay the policy could give
        assert await sending(session_factory, url).send_due() == 0
    delivery = await only_delivery(session_factory)
    assert delivery.status == "failed"
    assert delivery.attempts == 1
    assert delivery.last_error == "550 5.1.1 No such user here"
    assert delivery.sent_at is None
    assert handler.recipients_seen == 1
    assert handler.data_seen == 0


async def test_a_server_that_keeps_deferring_gets_a_bounded_number_of_attempts(
    session_factory: SessionFactory,
) -> None:
    handler = ScriptedHandler(data_reply="451 4.3.0 Try again later")
    await declare(session_factory, declared(notify=[]))
    with scripted_server(handler) as url:
        transport = sending(session_factory, url)

        async def given_up() -> bool:
            await transport.send_due()
            return (await only_delivery(session_factory)).status == "failed"

        await wait_until(given_up, what="the delivery failed")
        await asyncio.sleep(0.3)
        assert await transport.send_due() == 0
    delivery = await only_delivery(session_factory)
    assert delivery.attempts == FAST_RETRIES.max_attempts
    assert delivery.last_error == "451 4.3.0 Try again later"
    assert handler.data_seen == FAST_RETRIES.max_attempts


async def test_two_senders_at_once_send_each_email_once(
    session_factory: SessionFactory, mail_catcher: MailCatcher
) -> None:
    for _ in range(4):
        await declare(session_factory, declared())
    first = sending(session_factory, mail_catcher.url, batch_size=2)
    second = sending(session_factory, mail_catcher.url, batch_size=2)
    while sum(await asyncio.gather(first.send_due(), second.send_due())):
        pass
    ids = [m.message["Message-ID"] for m in mail_catcher.messages]
    assert len(ids) == 12
    assert len(set(ids)) == 12
    assert {row.status for row in await deliveries(session_factory)} == {"sent"}


async def test_an_address_that_cannot_be_written_fails_without_a_word_to_the_server(
    session_factory: SessionFactory, mail_catcher: MailCatcher
) -> None:
    await declare(
        session_factory,
        declared(interlocutor=jeanne(email="jeanne@example.com\r\nBcc: x@evil.example"), notify=[]),
    )
    assert await sending(session_factory, mail_catcher.url).send_due() == 1
    delivery = await only_delivery(session_factory)
    assert delivery.status == "failed"
    assert delivery.attempts == 1
    assert delivery.last_error is not None
    assert "address" in delivery.last_error
    assert mail_catcher.messages == []


@pytest.mark.parametrize(
    ("options", "expected_error"),
    [("?starttls=true", "STARTTLS"), ("", "SSL")],
    ids=["starttls", "implicit-tls"],
)
async def test_a_tls_connection_asked_for_is_never_made_in_clear(
    session_factory: SessionFactory, mail_catcher: MailCatcher, options: str, expected_error: str
) -> None:
    # The catcher speaks neither STARTTLS nor TLS: the message must not go in clear.
    scheme = "smtp" if options else "smtps"
    url = f"{scheme}://{mail_catcher.host}:{mail_catcher.port}{options}"
    await declare(session_factory, declared(notify=[]))
    assert await sending(session_factory, url).send_due() == 1
    delivery = await only_delivery(session_factory)
    assert delivery.status == "retrying"
    assert delivery.last_error is not None
    assert expected_error in delivery.last_error
    assert mail_catcher.messages == []
