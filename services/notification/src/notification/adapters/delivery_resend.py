"""Putting a delivery back in the queue (``notification resend``, and the API)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.tables import DELIVERIES_CHANNEL, Delivery
from notification.domain.delivery import DeliveryStatus
from notification.domain.resend import ResendOutcome, may_resend


async def requeue_delivery(
    session: AsyncSession, delivery_id: int, *, now: datetime
) -> ResendOutcome:
    """Make the delivery ``pending`` and due now, with a fresh budget of attempts and
    the same ``Message-ID``; refused while a sender is handing it to the server."""
    found = (
        await session.execute(
            select(Delivery.claimed_until).where(Delivery.id == delivery_id).with_for_update()
        )
    ).one_or_none()
    if found is None:
        return ResendOutcome.NOT_FOUND
    if not may_resend(claimed_until=found.claimed_until, now=now):
        return ResendOutcome.IN_FLIGHT
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(
            status=DeliveryStatus.PENDING.value,
            next_attempt_at=now,
            claimed_until=None,
            attempts_before_resend=Delivery.attempts,
            resends=Delivery.resends + 1,
            resent_at=now,
        )
    )
    # The insert trigger wakes the sender for new deliveries; this one is not new.
    await session.execute(select(func.pg_notify(DELIVERIES_CHANNEL, "")))
    return ResendOutcome.QUEUED
