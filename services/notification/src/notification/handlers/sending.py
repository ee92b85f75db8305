"""Sending the deliveries that are due, and recording how each attempt went.

Each delivery is marked ``sent`` only after the SMTP server accepted it. Should the
process die between the server's acceptance and that mark, the delivery is sent
again when its claim runs out: at least once, never lost. The ``Message-ID`` is
the same on both, so the duplicate can be recognised.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from notification.adapters.delivery_claims import (
    ClaimedDelivery,
    claim_due,
    record_failure,
    record_sent,
)
from notification.adapters.mime import compose_message
from notification.adapters.smtp_transport import SendFailed
from notification.domain.delivery import DeliveryStatus
from notification.domain.mailbox import Mailbox
from notification.domain.retry import RetryPolicy
from notification.metrics import DELIVERIES_WAITING, DELIVERY_ATTEMPTS, SMTP_DURATION
from ticketing_common.db.engine import SessionFactory
from ticketing_common.logging import get_logger

log = get_logger(__name__)


class MailTransport(Protocol):
    async def send(self, message: EmailMessage, *, sender: str, recipient: str) -> None: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Sending:
    """Everything sending needs, built once by the composition root."""

    session_factory: SessionFactory
    transport: MailTransport
    sender: Mailbox
    policy: RetryPolicy
    batch_size: int
    # How long a claimed delivery is left alone; longer than a batch can take.
    lease: timedelta
    # Emails per organization in any sliding hour; the others wait their turn.
    hourly_limit: int
    # Every time the sender records (claims, sends, retries) comes from here.
    clock: Callable[[], datetime] = _utc_now

    async def send_due(self) -> int:
        """Claim one batch of due deliveries and try each; the number claimed."""
        async with self.session_factory.begin() as session:
            claim = await claim_due(
                session,
                now=self.clock(),
                limit=self.batch_size,
                lease=self.lease,
                hourly_limit=self.hourly_limit,
            )
        for org_id, count in claim.waiting.items():
            DELIVERIES_WAITING.inc(count)
            log.warning(
                "organization over its hourly email limit: emails wait their turn",
                org_id=org_id,
                waiting=count,
                limit=self.hourly_limit,
            )
        for delivery in claim.deliveries:
            await self._attempt(delivery)
        return len(claim.deliveries)

    async def _attempt(self, delivery: ClaimedDelivery) -> None:
        delivery_id = delivery.email.delivery_id
        failure: SendFailed | None = None
        started = time.perf_counter()
        try:
            message = compose_message(delivery.email, sender=self.sender, now=self.clock())
        except Exception as exc:
            # The same delivery would fail the same way at every attempt.
            failure = SendFailed(f"cannot compose the message: {exc}", permanent=True)
        else:
            try:
                await self.transport.send(
                    message,
                    sender=self.sender.address,
                    recipient=delivery.email.recipient_email.strip(),
                )
            except SendFailed as exc:
                failure = exc
            except Exception as exc:
                # Not foreseen by the transport: counted as an attempt all the same,
                # so that it cannot come back forever.
                failure = SendFailed(f"{type(exc).__name__}: {exc}", permanent=False)
        SMTP_DURATION.observe(time.perf_counter() - started)
        if failure is not None:
            await self._record_failure(delivery, failure)
            return
        async with self.session_factory.begin() as session:
            await record_sent(session, delivery_id, now=self.clock())
        DELIVERY_ATTEMPTS.labels(delivery.kind, DeliveryStatus.SENT.value).inc()
        log.info(
            "email sent", delivery_id=delivery_id, kind=delivery.kind, attempt=delivery.attempts + 1
        )

    async def _record_failure(self, delivery: ClaimedDelivery, failure: SendFailed) -> None:
        attempts = delivery.attempts + 1
        # The budget of attempts starts again at each resend.
        decision = self.policy.after_failure(
            delivery.attempts_since_resend + 1, permanent=failure.permanent
        )
        retry_at = (
            self.clock() + timedelta(seconds=decision.delay_seconds)
            if decision.delay_seconds is not None
            else None
        )
        async with self.session_factory.begin() as session:
            await record_failure(
                session,
                delivery.email.delivery_id,
                status=decision.status,
                error=failure.reason,
                retry_at=retry_at,
            )
        DELIVERY_ATTEMPTS.labels(delivery.kind, decision.status.value).inc()
        # Never the address nor the content: the delivery id leads to them.
        log.warning(
            "email not sent",
            delivery_id=delivery.email.delivery_id,
            kind=delivery.kind,
            attempt=attempts,
            permanent=failure.permanent,
            status=decision.status.value,
            retry_in_seconds=round(decision.delay_seconds, 1) if decision.delay_seconds else None,
            error=failure.reason[:300],
        )
