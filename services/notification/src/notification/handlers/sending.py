"""Sending the deliveries that are due, and recording how each attempt went.

A sending round claims a batch of due deliveries (one transaction) and hands them to
the mail server at once over the transport's kept-open sessions; each outcome is
recorded as soon as it is known, in one statement with the outcomes known meanwhile.
Each delivery is marked ``sent`` only after the SMTP server accepted it. Should the
process die between the server's acceptance and that mark, the delivery is sent again
when its claim runs out: at least once, never lost. The ``Message-ID`` is the same on
both, so the duplicate can be recognised.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from notification.adapters.delivery_claims import ClaimedDelivery, claim_due
from notification.adapters.delivery_outcomes import AttemptOutcome, record_outcomes
from notification.adapters.mime import compose_message
from notification.adapters.smtp_transport import SendFailed
from notification.domain.delivery import DeliveryStatus
from notification.domain.mailbox import Mailbox
from notification.domain.retry import RetryPolicy
from notification.domain.threads import thread_key
from notification.metrics import DELIVERIES_WAITING, DELIVERY_ATTEMPTS, SMTP_DURATION
from ticketing_common.db.engine import SessionFactory
from ticketing_common.db.errors import is_transient_database_error
from ticketing_common.logging import get_logger

log = get_logger(__name__)

# While the database is away, the outcomes of a round are held and recorded again
# after these pauses (doubling): an email the server accepted is not sent again for
# want of its mark, as long as the outage is shorter than the claim's lease.
_RECORD_RETRY_FIRST_SECONDS = 0.1
_RECORD_RETRY_MAX_SECONDS = 2.0


class MailTransport(Protocol):
    async def send(self, message: bytes, *, sender: str, recipient: str) -> None: ...

    async def close_idle(self) -> None: ...

    async def close(self) -> None: ...


def by_recipient(deliveries: Sequence[ClaimedDelivery]) -> dict[str, list[ClaimedDelivery]]:
    """The round's emails per recipient, each recipient's in the order they were
    recorded: a recipient's emails go one after the other, so they arrive in the order
    the incident lived them; different recipients' go side by side."""
    grouped: dict[str, list[ClaimedDelivery]] = {}
    for delivery in sorted(deliveries, key=lambda d: d.email.delivery_id):
        grouped.setdefault(thread_key(delivery.email.recipient_email), []).append(delivery)
    return grouped


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class _Attempt:
    delivery: ClaimedDelivery
    # None when the server accepted the message.
    failure: SendFailed | None


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
        """Claim one batch of due deliveries, try them all, record how it went; the
        number claimed."""
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
        if claim.deliveries:
            await self._send_and_record(claim.deliveries)
        await self.transport.close_idle()
        return len(claim.deliveries)

    async def _send_and_record(self, deliveries: Sequence[ClaimedDelivery]) -> None:
        """Send the round's emails at once, and record each outcome as soon as it is
        known, together with those known meanwhile: one statement for many emails
        under load, and only the emails in flight (not the whole round) sent again
        should the process die before their mark."""
        known: list[_Attempt] = []
        arrived = asyncio.Event()

        async def attempt_in_order(emails: list[ClaimedDelivery]) -> None:
            for delivery in emails:
                known.append(await self._attempt(delivery))
                arrived.set()

        sends = [
            asyncio.create_task(attempt_in_order(emails))
            for emails in by_recipient(deliveries).values()
        ]
        try:
            recorded = 0
            while recorded < len(deliveries):
                await arrived.wait()
                arrived.clear()
                ready = known[:]
                del known[:]
                await self._record(ready)
                recorded += len(ready)
        finally:
            # Only reached with sends in flight when recording failed for good: their
            # deliveries stay claimed, and go again after the lease.
            await asyncio.gather(*sends, return_exceptions=True)

    async def close(self) -> None:
        """Close the transport's sessions (once no round runs any more)."""
        await self.transport.close()

    async def _attempt(self, delivery: ClaimedDelivery) -> _Attempt:
        started = time.perf_counter()
        try:
            message = compose_message(delivery.email, sender=self.sender, now=self.clock())
        except Exception as exc:
            # The same delivery would fail the same way at every attempt.
            return _Attempt(
                delivery, SendFailed(f"cannot compose the message: {exc}", permanent=True)
            )
        failure: SendFailed | None = None
        try:
            await self.transport.send(
                message.as_bytes(),
                sender=self.sender.address,
                recipient=delivery.email.recipient_email.strip(),
            )
        except SendFailed as exc:
            failure = exc
        except Exception as exc:
            # Not foreseen by the transport: counted as an attempt all the same, so
            # that it cannot come back forever.
            failure = SendFailed(f"{type(exc).__name__}: {exc}", permanent=False)
        SMTP_DURATION.observe(time.perf_counter() - started)
        return _Attempt(delivery, failure)

    async def _record(self, attempts: Sequence[_Attempt]) -> None:
        outcomes = [self._outcome(attempt) for attempt in attempts]
        pause = _RECORD_RETRY_FIRST_SECONDS
        give_up_at = time.monotonic() + self.lease.total_seconds()
        while True:
            try:
                async with self.session_factory.begin() as session:
                    await record_outcomes(session, outcomes, now=self.clock())
                break
            except Exception as exc:
                if not is_transient_database_error(exc) or time.monotonic() > give_up_at:
                    raise
                log.warning(
                    "cannot record the emails' outcomes yet: held, and tried again",
                    count=len(outcomes),
                    error=str(exc)[:300],
                )
                await asyncio.sleep(pause)
                pause = min(pause * 2, _RECORD_RETRY_MAX_SECONDS)
        self._report(attempts, outcomes)

    def _outcome(self, attempt: _Attempt) -> AttemptOutcome:
        delivery_id = attempt.delivery.email.delivery_id
        failure = attempt.failure
        if failure is None:
            return AttemptOutcome(delivery_id, DeliveryStatus.SENT)
        # The budget of attempts starts again at each resend.
        decision = self.policy.after_failure(
            attempt.delivery.attempts_since_resend + 1, permanent=failure.permanent
        )
        retry_at = (
            self.clock() + timedelta(seconds=decision.delay_seconds)
            if decision.delay_seconds is not None
            else None
        )
        return AttemptOutcome(delivery_id, decision.status, failure.reason, retry_at)

    def _report(self, attempts: Sequence[_Attempt], outcomes: Sequence[AttemptOutcome]) -> None:
        sent: list[int] = []
        for attempt, outcome in zip(attempts, outcomes, strict=True):
            delivery = attempt.delivery
            DELIVERY_ATTEMPTS.labels(delivery.kind, outcome.status.value).inc()
            if attempt.failure is None:
                sent.append(outcome.delivery_id)
                continue
            # Never the address nor the content: the delivery id leads to them.
            log.warning(
                "email not sent",
                delivery_id=outcome.delivery_id,
                kind=delivery.kind,
                attempt=delivery.attempts + 1,
                permanent=attempt.failure.permanent,
                status=outcome.status.value,
                retry_at=outcome.retry_at.isoformat() if outcome.retry_at else None,
                error=attempt.failure.reason[:300],
            )
        if sent:
            # One line for the round: a line per email cost as much as its sending.
            log.info("emails sent", count=len(sent), delivery_ids=sent)
