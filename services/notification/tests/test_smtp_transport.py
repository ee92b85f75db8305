"""Which refusals of the SMTP server are worth another attempt."""

from __future__ import annotations

import aiosmtplib
import pytest

from notification.adapters.smtp_transport import classify_failure


@pytest.mark.parametrize(
    ("error", "permanent", "reason"),
    [
        (
            aiosmtplib.SMTPRecipientsRefused(
                [aiosmtplib.SMTPRecipientRefused(550, "No such user", "x")]
            ),
            True,
            "550 No such user",
        ),
        (
            aiosmtplib.SMTPRecipientsRefused(
                [aiosmtplib.SMTPRecipientRefused(450, "Mailbox busy", "x")]
            ),
            False,
            "450 Mailbox busy",
        ),
        (aiosmtplib.SMTPDataError(554, "Rejected as spam"), True, "554 Rejected as spam"),
        (aiosmtplib.SMTPDataError(451, "Try again later"), False, "451 Try again later"),
        (
            aiosmtplib.SMTPSenderRefused(553, "Sender not allowed", "desk"),
            True,
            "553 Sender not allowed",
        ),
        (aiosmtplib.SMTPAuthenticationError(535, "Bad credentials"), False, "535 Bad credentials"),
        (aiosmtplib.SMTPConnectResponseError(554, "Go away"), False, "554 Go away"),
        (aiosmtplib.SMTPConnectError("Connection refused"), False, "Connection refused"),
        (aiosmtplib.SMTPServerDisconnected("gone"), False, "gone"),
        (aiosmtplib.SMTPReadTimeoutError("slow"), False, "timed out"),
        (TimeoutError(), False, "timed out"),
        (ConnectionRefusedError(111, "Connection refused"), False, "Connection refused"),
        (ValueError("non-ASCII address"), True, "non-ASCII address"),
    ],
)
def test_refusals_are_told_apart(error: Exception, permanent: bool, reason: str) -> None:
    failure = classify_failure(error)
    assert failure.permanent is permanent
    assert reason in failure.reason
