"""Resending one delivery: the command line's and the API's common path."""

from __future__ import annotations

from datetime import datetime

from notification.adapters.delivery_resend import requeue_delivery
from notification.domain.resend import ResendOutcome
from ticketing_common.db.engine import SessionFactory
from ticketing_common.logging import get_logger

log = get_logger(__name__)


async def resend_delivery(
    session_factory: SessionFactory, delivery_id: int, *, now: datetime
) -> ResendOutcome:
    async with session_factory.begin() as session:
        outcome = await requeue_delivery(session, delivery_id, now=now)
    log.info("resend asked", delivery_id=delivery_id, outcome=outcome.value)
    return outcome
