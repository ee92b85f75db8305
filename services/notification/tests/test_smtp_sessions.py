"""The transport keeps SMTP sessions open, against real SMTP servers (aiosmtpd)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from notification.adapters import smtp_sessions
from notification.adapters.smtp_endpoint import parse_smtp_url
from notification.adapters.smtp_transport import SendFailed, SmtpTransport

from .smtp_servers import SessionsHandler, scripted_server

SENDER = "incidents@ticketing.invalid"


def message(number: int) -> bytes:
    return (
        f"From: {SENDER}\r\nTo: someone@example.com\r\nSubject: message {number}\r\n"
        f"Message-ID: <m{number}@ticketing.invalid>\r\n\r\nbody {number}\r\n"
    ).encode()


@pytest.fixture
def handler() -> SessionsHandler:
    return SessionsHandler()


@pytest.fixture
def server(handler: SessionsHandler) -> Iterator[str]:
    with scripted_server(handler) as url:  # type: ignore[arg-type]
        yield url


@pytest.fixture
async def transport(server: str) -> AsyncIterator[SmtpTransport]:
    sending = SmtpTransport(parse_smtp_url(server), timeout_seconds=5, max_connections=3)
    yield sending
    await sending.close()


async def send(transport: SmtpTransport, number: int, recipient: str = "a@example.com") -> None:
    await transport.send(message(number), sender=SENDER, recipient=recipient)


async def test_messages_one_after_the_other_go_over_one_session(
    transport: SmtpTransport, handler: SessionsHandler
) -> None:
    for number in range(5):
        await send(transport, number)
    assert len(handler.received) == 5
    assert handler.connections == 1


async def test_messages_at_once_share_the_sessions_of_the_pool(
    transport: SmtpTransport, handler: SessionsHandler
) -> None:
    await asyncio.gather(*(send(transport, n, f"r{n}@example.com") for n in range(12)))
    assert sorted(recipient for _, recipient in handler.received) == sorted(
        f"r{n}@example.com" for n in range(12)
    )
    # Three sessions at most, each carrying several messages.
    assert handler.connections == 3


@pytest.mark.parametrize(
    "handler",
    [SessionsHandler(abort_after=1), SessionsHandler(closing_after=1)],
    ids=["connection-dropped", "421-closing"],
)
async def test_a_kept_session_found_broken_is_replaced_and_the_message_sent_once(
    transport: SmtpTransport, handler: SessionsHandler
) -> None:
    # Each connection carries one message; the next one finds it broken.
    for number in range(3):
        await send(transport, number, f"r{number}@example.com")
    assert [recipient for _, recipient in handler.received] == [
        "r0@example.com",
        "r1@example.com",
        "r2@example.com",
    ]
    assert handler.connections == 3


async def test_a_fresh_session_that_fails_is_not_tried_again() -> None:
    handler = SessionsHandler(closing_after=0)
    with scripted_server(handler) as url:  # type: ignore[arg-type]
        transport = SmtpTransport(parse_smtp_url(url), timeout_seconds=5)
        try:
            with pytest.raises(SendFailed) as failed:
                await send(transport, 1)
        finally:
            await transport.close()
    assert not failed.value.permanent
    assert failed.value.reason.startswith("421")
    assert handler.connections == 1


@pytest.mark.parametrize(
    "handler",
    [
        SessionsHandler(
            refuse={
                "unknown@example.com": "550 5.1.1 No such user",
                "busy@example.com": "452 4.2.2 Mailbox full",
            }
        )
    ],
)
async def test_a_lasting_refusal_keeps_the_session_and_a_passing_one_closes_it(
    transport: SmtpTransport, handler: SessionsHandler
) -> None:
    await send(transport, 1)
    with pytest.raises(SendFailed) as refused:
        await send(transport, 2, "unknown@example.com")
    assert refused.value.permanent
    await send(transport, 3)
    # The 5xx was about the message: the session carried on.
    assert handler.connections == 1
    with pytest.raises(SendFailed) as deferred:
        await send(transport, 4, "busy@example.com")
    assert not deferred.value.permanent
    await send(transport, 5)
    assert handler.connections == 2
    assert len(handler.received) == 3


async def test_idle_sessions_are_closed_after_a_while_and_all_on_close() -> None:
    handler = SessionsHandler()
    with scripted_server(handler) as url:  # type: ignore[arg-type]
        transport = SmtpTransport(parse_smtp_url(url), timeout_seconds=5, idle_seconds=1.0)
        await asyncio.gather(*(send(transport, n) for n in range(2)))
        await transport.close_idle()
        assert handler.quits == 0
        await asyncio.sleep(1.2)
        await send(transport, 3)
        # The session just used stays; the other was idle too long.
        await transport.close_idle()
        assert handler.quits == 1
        await transport.close()
        assert handler.quits == 2
        # Closed, the transport opens a session again when asked to send.
        await send(transport, 4)
        await transport.close()
    assert handler.quits == 3
    assert handler.connections == 3


async def test_a_session_carries_a_bounded_number_of_messages(
    transport: SmtpTransport, handler: SessionsHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(smtp_sessions, "MESSAGES_PER_SESSION", 2)
    for number in range(5):
        await send(transport, number)
    assert handler.connections == 3
    assert handler.quits == 2
