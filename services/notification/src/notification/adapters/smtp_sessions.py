"""SMTP sessions kept open between messages, a few at most.

Opening a session (connect, greeting, EHLO, perhaps STARTTLS and login) cost more than
the message it carried; a kept session carries the next one with its MAIL FROM (the
client sends RSET first after a refusal). A session is kept after the server accepted
the message or refused it for good (a ``5xx``: the session is fine, the message is
not); after anything else it is closed. It is closed too after
``MESSAGES_PER_SESSION`` messages (some servers limit them), once idle for
``idle_seconds`` (servers drop idle clients after a few minutes), and on stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import aiosmtplib

from notification.adapters.smtp_endpoint import SmtpEndpoint

IDLE_SECONDS = 30.0
MESSAGES_PER_SESSION = 100
# Closing politely (QUIT) is not worth waiting long for.
_QUIT_SECONDS = 2.0


# Compared and hashed by identity: the pool keeps them in a set.
@dataclass(eq=False)
class SmtpSession:
    client: aiosmtplib.SMTP
    messages: int = 0
    idle_since: float = 0.0

    async def send(self, message: bytes, *, sender: str, recipient: str) -> None:
        """Return once the server accepted ``message`` for ``recipient``."""
        # The envelope names this one recipient, whatever the headers say. An address
        # that is not ASCII needs the server's SMTPUTF8, as aiosmtplib asked for it.
        options = [] if (sender + recipient).isascii() else ["SMTPUTF8"]
        self.messages += 1
        await self.client.sendmail(sender, [recipient], message, mail_options=options)


class SmtpSessions:
    """The open sessions to one server: at most ``max_sessions`` at once, the most
    recently used one taken first (so that those a quiet period does not need go idle
    and are closed)."""

    def __init__(
        self,
        endpoint: SmtpEndpoint,
        *,
        timeout_seconds: float,
        max_sessions: int,
        idle_seconds: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._endpoint = endpoint
        self._timeout = timeout_seconds
        self._slots = asyncio.Semaphore(max_sessions)
        self._idle_seconds = idle_seconds
        self._clock = clock
        self._idle: list[SmtpSession] = []
        self._in_use: set[SmtpSession] = set()
        # Found once rather than at each connection: aiosmtplib otherwise asks for the
        # host's name (a thread, maybe a DNS query) and loads the CA certificates for
        # every session it opens.
        self._local_hostname: str | None = None
        self._tls_context: ssl.SSLContext | None = None

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """The right to use one session; waits while all are in use."""
        async with self._slots:
            yield

    def take_idle(self) -> SmtpSession | None:
        """The most recently used idle session still connected, if any."""
        while self._idle:
            session = self._idle.pop()
            if session.client.is_connected:
                self._in_use.add(session)
                return session
            # The server closed it while it was idle.
            session.client.close()
        return None

    async def open(self) -> SmtpSession:
        endpoint = self._endpoint
        client = aiosmtplib.SMTP(
            hostname=endpoint.host,
            port=endpoint.port,
            username=endpoint.username,
            password=endpoint.password,
            use_tls=endpoint.implicit_tls,
            start_tls=endpoint.starttls,
            timeout=self._timeout,
            local_hostname=await self._hostname(),
            tls_context=await self._tls(),
        )
        await client.connect()
        session = SmtpSession(client)
        self._in_use.add(session)
        return session

    async def give_back(self, session: SmtpSession, *, reusable: bool) -> None:
        self._in_use.discard(session)
        if not reusable or not session.client.is_connected:
            session.client.close()
        elif session.messages >= MESSAGES_PER_SESSION:
            await _quit(session)
        else:
            session.idle_since = self._clock()
            self._idle.append(session)

    async def close_idle(self) -> None:
        """Close the sessions idle for longer than ``idle_seconds``."""
        since = self._clock() - self._idle_seconds
        stale = [session for session in self._idle if session.idle_since <= since]
        if stale:
            self._idle = [session for session in self._idle if session.idle_since > since]
            await asyncio.gather(*(_quit(session) for session in stale))

    async def close(self) -> None:
        """Close every session, idle or (should a send still run) in use."""
        idle, self._idle = self._idle, []
        for session in self._in_use:
            session.client.close()
        self._in_use.clear()
        await asyncio.gather(*(_quit(session) for session in idle))

    @property
    def open_sessions(self) -> int:
        return len(self._idle) + len(self._in_use)

    async def _hostname(self) -> str:
        if self._local_hostname is None:
            self._local_hostname = await asyncio.to_thread(socket.getfqdn)
        return self._local_hostname

    async def _tls(self) -> ssl.SSLContext | None:
        endpoint = self._endpoint
        if not (endpoint.implicit_tls or endpoint.starttls):
            return None
        if self._tls_context is None:
            # What aiosmtplib builds by default: the system's CAs, hostname checked.
            self._tls_context = await asyncio.to_thread(
                ssl.create_default_context, ssl.Purpose.SERVER_AUTH
            )
        return self._tls_context


async def _quit(session: SmtpSession) -> None:
    with contextlib.suppress(Exception):
        await session.client.quit(timeout=_QUIT_SECONDS)
    session.client.close()
