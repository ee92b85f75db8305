"""SMTP servers that answer as a test needs (aiosmtpd, in a thread of its own)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller


class ScriptedHandler:
    """Refuses recipients or data with the given replies, and counts what it saw."""

    def __init__(self, *, rcpt_reply: str | None = None, data_reply: str | None = None) -> None:
        self.rcpt_reply = rcpt_reply
        self.data_reply = data_reply
        self.recipients_seen = 0
        self.data_seen = 0

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, _server: Any, _session: Any, envelope: Any, address: str, _options: Any
    ) -> str:
        self.recipients_seen += 1
        if self.rcpt_reply is not None:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, _session: Any, _envelope: Any) -> str:  # noqa: N802
        self.data_seen += 1
        return self.data_reply or "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def scripted_server(handler: ScriptedHandler) -> Iterator[str]:
    """Run an SMTP server with ``handler``; yields its ``smtp://`` URL."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


class SessionsHandler:
    """Accepts every message and notes which connection carried it; can drop a kept
    session, answer 421 on it, or refuse some recipients."""

    def __init__(
        self,
        *,
        abort_after: int | None = None,
        closing_after: int | None = None,
        refuse: dict[str, str] | None = None,
        slow: dict[str, float] | None = None,
    ) -> None:
        # On a connection that carried this many messages, the next MAIL FROM finds
        # the connection dropped (abort_after) or gets "421 closing" (closing_after).
        self.abort_after = abort_after
        self.closing_after = closing_after
        # Recipient -> the reply to its RCPT TO.
        self.refuse = refuse or {}
        # Recipient -> seconds the server takes before accepting its message.
        self.slow = slow or {}
        self.carried: dict[int, int] = {}
        self.received: list[tuple[int, str]] = []
        self.quits = 0

    @property
    def connections(self) -> int:
        return len(self.carried)

    def _connection(self, session: Any) -> int:
        # Numbered on the session itself: an id() is reused once a session is gone.
        if getattr(session, "connection_number", None) is None:
            session.connection_number = len(self.carried)
            self.carried[session.connection_number] = 0
        number: int = session.connection_number
        return number

    async def handle_MAIL(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        carried = self.carried[self._connection(session)]
        if self.abort_after is not None and carried >= self.abort_after:
            server.transport.abort()
            return "421 4.4.2 gone"
        if self.closing_after is not None and carried >= self.closing_after:
            return "421 4.7.0 too many messages on this connection, closing"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(  # noqa: N802
        self, _server: Any, _session: Any, envelope: Any, address: str, _options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        connection = self._connection(session)
        delay = max((self.slow.get(recipient, 0.0) for recipient in envelope.rcpt_tos), default=0)
        if delay:
            await asyncio.sleep(delay)
        self.carried[connection] += 1
        for recipient in envelope.rcpt_tos:
            self.received.append((connection, recipient))
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, _server: Any, _session: Any, _envelope: Any) -> str:  # noqa: N802
        self.quits += 1
        return "221 Bye"
