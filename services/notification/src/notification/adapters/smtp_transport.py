"""Handing a message to the SMTP server, and telling a lasting refusal from a passing one.

A message counts as delivered once the server has accepted it (``250`` after
``DATA``). A ``5xx`` reply about the message itself (its sender, its recipient, its
content) is permanent: sending the same message again would get the same answer. A
``4xx`` reply, a server that does not answer, a lost connection, a timeout, and a
server that refuses us as a client (greeting, ``EHLO``, login, TLS: a problem of
configuration that someone can fix while we retry) are transient.

Messages go over sessions kept open (``smtp_sessions``). A kept session that turns out
broken (the server closed it, or says it is closing it: ``421``) says nothing about
the message: it is sent again at once on a fresh connection, once, and only what
happens there counts as the attempt.
"""

from __future__ import annotations

import asyncio

import aiosmtplib

from notification.adapters.smtp_endpoint import SmtpEndpoint
from notification.adapters.smtp_sessions import IDLE_SECONDS, SmtpSession, SmtpSessions
from ticketing_common.logging import get_logger

log = get_logger(__name__)

# "Service not available, closing transmission channel".
_CLOSING = 421


class SendFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class SmtpTransport:
    def __init__(
        self,
        endpoint: SmtpEndpoint,
        *,
        timeout_seconds: float = 30.0,
        max_connections: int = 4,
        idle_seconds: float = IDLE_SECONDS,
    ) -> None:
        self._timeout = timeout_seconds
        self._sessions = SmtpSessions(
            endpoint,
            timeout_seconds=timeout_seconds,
            max_sessions=max_connections,
            idle_seconds=idle_seconds,
        )

    @property
    def deadline_seconds(self) -> float:
        """The longest one message may take once it has a session, connection and the
        retry on a fresh one included. ``timeout`` bounds each step of the
        conversation; this bounds the whole of it."""
        return 2 * self._timeout

    async def send(self, message: bytes, *, sender: str, recipient: str) -> None:
        """Return once the server accepted ``message``; raise ``SendFailed`` otherwise."""
        async with self._sessions.slot():
            try:
                async with asyncio.timeout(self.deadline_seconds):
                    await self._send(message, sender=sender, recipient=recipient)
            except Exception as exc:
                raise classify_failure(exc) from exc

    async def close_idle(self) -> None:
        await self._sessions.close_idle()

    async def close(self) -> None:
        await self._sessions.close()

    async def _send(self, message: bytes, *, sender: str, recipient: str) -> None:
        kept = self._sessions.take_idle()
        if kept is not None:
            try:
                await self._send_on(kept, message, sender=sender, recipient=recipient)
                return
            except Exception as exc:
                if not _broke_the_session(exc):
                    raise
                log.info(
                    "smtp session found broken: the message goes on a new one", error=str(exc)[:200]
                )
        fresh = await self._sessions.open()
        await self._send_on(fresh, message, sender=sender, recipient=recipient)

    async def _send_on(
        self, session: SmtpSession, message: bytes, *, sender: str, recipient: str
    ) -> None:
        reusable = False
        try:
            await session.send(message, sender=sender, recipient=recipient)
            reusable = True
        except Exception as exc:
            reusable = _refused_for_good(exc)
            raise
        finally:
            # Also when cancelled (the deadline passed): the session is then closed.
            await self._sessions.give_back(session, reusable=reusable)


def _broke_the_session(exc: BaseException) -> bool:
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return exc.code == _CLOSING
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return any(refusal.code == _CLOSING for refusal in exc.recipients)
    return isinstance(exc, ConnectionError)


def _refused_for_good(exc: BaseException) -> bool:
    """The server refused the message, not us: the session can carry the next one."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(_is_permanent(refusal.code) for refusal in exc.recipients)
    return isinstance(exc, aiosmtplib.SMTPResponseException) and _is_permanent(exc.code)


def classify_failure(exc: BaseException) -> SendFailed:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refusals = exc.recipients
        reason = "; ".join(_reply(r.code, r.message) for r in refusals) or "recipient refused"
        return SendFailed(reason, permanent=all(_is_permanent(r.code) for r in refusals))
    if isinstance(
        exc,
        (
            aiosmtplib.SMTPConnectResponseError,
            aiosmtplib.SMTPHeloError,
            aiosmtplib.SMTPAuthenticationError,
        ),
    ):
        return SendFailed(_reply(exc.code, exc.message), permanent=False)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        # Sender refused, recipient refused, or data refused.
        return SendFailed(_reply(exc.code, exc.message), permanent=_is_permanent(exc.code))
    if isinstance(exc, ValueError):
        # aiosmtplib's word for an address it cannot put on the wire.
        return SendFailed(f"unsendable message: {exc}", permanent=True)
    if isinstance(exc, TimeoutError):
        return SendFailed(f"timed out: {exc}" if str(exc) else "timed out", permanent=False)
    # Connection refused or lost, TLS not offered, and what we did not foresee: try
    # again, a bounded number of times.
    return SendFailed(f"{type(exc).__name__}: {exc}", permanent=False)


def _is_permanent(code: int) -> bool:
    return 500 <= code < 600


def _reply(code: int, message: str) -> str:
    return f"{code} {' '.join(message.split())}"
