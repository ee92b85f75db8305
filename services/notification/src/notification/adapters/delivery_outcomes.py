"""Recording how the attempts of a sending round went: all of them in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from notification.domain.delivery import DeliveryStatus

# Every attempt counts; a sent email gets its time (and keeps the error of an earlier
# attempt, if any), a failed one its error and, when it is to be retried, its next
# attempt; none is in flight any more. A delivery that is no longer due (a resend
# raced with the attempt and lost: refused while claimed) is left alone. The rows are
# found by their ids (id = ANY), so that no cached plan joins the whole table.
_RECORD = text(
    """
    UPDATE deliveries
    SET status = outcome.status,
        attempts = deliveries.attempts + 1,
        sent_at = CASE WHEN outcome.status = 'sent' THEN CAST(:now AS timestamptz)
                       ELSE deliveries.sent_at END,
        last_error = COALESCE(outcome.error, deliveries.last_error),
        next_attempt_at = COALESCE(outcome.retry_at, deliveries.next_attempt_at),
        claimed_until = NULL
    FROM unnest(
        CAST(:ids AS bigint[]),
        CAST(:statuses AS varchar[]),
        CAST(:errors AS text[]),
        CAST(:retry_ats AS timestamptz[])
    ) AS outcome(id, status, error, retry_at)
    WHERE deliveries.id = ANY(CAST(:ids AS bigint[])) AND deliveries.id = outcome.id
      AND deliveries.status IN ('pending', 'retrying')
    """
)
_ERROR_LENGTH = 2000


@dataclass(frozen=True)
class AttemptOutcome:
    delivery_id: int
    status: DeliveryStatus
    # The server's reply or what went wrong; None when sent.
    error: str | None = None
    # When to try again; None when sent or failed for good.
    retry_at: datetime | None = None


async def record_outcomes(
    session: AsyncSession, outcomes: Sequence[AttemptOutcome], *, now: datetime
) -> None:
    if not outcomes:
        return
    await session.execute(
        _RECORD,
        {
            "now": now,
            "ids": [outcome.delivery_id for outcome in outcomes],
            "statuses": [outcome.status.value for outcome in outcomes],
            "errors": [
                outcome.error[:_ERROR_LENGTH] if outcome.error is not None else None
                for outcome in outcomes
            ],
            "retry_ats": [outcome.retry_at for outcome in outcomes],
        },
    )
