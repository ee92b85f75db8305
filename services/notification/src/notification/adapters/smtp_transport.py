"""Handing a message to the SMTP server, and telling a lasting refusal from a passing one.

A message counts as delivered once the server has accepted it (``250`` after
``DATA``). A ``5xx`` reply about the message itself (its sender, its recipient, its
content) is permanent: sending the same message again would get the same answer. A
``4xx`` reply, a server that does not answer, a lost connection, a timeout, and a
server that refuses us as a client (greeting, ``EHLO``, login, TLS: a problem of
configuration that someone can fix while we retry) are transient.
"""

from __future__ import annotations

import asyncio
from email.message import EmailMessage

import aiosmtplib

from notification.adapters.smtp_endpoint import SmtpEndpoint


class SendFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


class SmtpTransport:
    def __init__(self, endpoint: SmtpEndpoint, *, timeout_seconds: float = 30.0) -> None:
        self._endpoint = endpoint
        self._timeout = timeout_seconds

    @property
    def deadline_seconds(self) -> float:
        """The longest one message may take, connection included. ``timeout`` bounds
        each step of the conversation; this bounds the whole of it."""
        return 2 * self._timeout

    async def send(self, message: EmailMessage, *, sender: str, recipient: str) -> None:
        """Return once the server accepted ``message``; raise ``SendFailed`` otherwise."""
        endpoint = self._endpoint
        try:
            async with asyncio.timeout(self.deadline_seconds):
                await aiosmtplib.send(
                    message,
                    # The envelope, given apart from the headers: only this recipient
                    # gets the message, whatever the headers say.
                    sender=sender,
                    recipients=[recipient],
                    hostname=endpoint.host,
                    port=endpoint.port,
                    username=endpoint.username,
                    password=endpoint.password,
                    use_tls=endpoint.implicit_tls,
                    start_tls=endpoint.starttls,
                    timeout=self._timeout,
                )
        except Exception as exc:
            raise classify_failure(exc) from exc


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
