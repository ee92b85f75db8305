"""Claiming due deliveries for a sender, within each organization's hourly limit, and
recording how each attempt went.

Times come from the sender's clock (``now``), not the database's, so that tests can
move time forward instead of waiting for it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, literal, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import DateTime, Interval

from notification.adapters.mime import OutgoingEmail
from notification.adapters.tables import Delivery
from notification.domain.delivery import DUE_STATUSES, DeliveryStatus
from notification.domain.org_limit import (
    WINDOW,
    DueDelivery,
    first_waiting_slot,
    plan_claims,
    slot_spacing,
)

_DUE = [status.value for status in DUE_STATUSES]
# The due statuses written into the SQL as literals, not bound: only then can the
# planner use the partial indexes on due deliveries (WHERE status IN ('pending',
# 'retrying')) under the generic plan of a prepared statement. Bound, every claim
# scanned the whole delivery log.
_IS_DUE = Delivery.status.in_([literal(status, literal_execute=True) for status in _DUE])
_IS_PENDING = Delivery.status == literal(DeliveryStatus.PENDING.value, literal_execute=True)
# Claims are serialized on this advisory lock (a short transaction each), so that two
# senders cannot both see an organization one email under its limit and both send.
CLAIM_LOCK_KEY = 0x6E6F7469_66790001
# A claim looks again for due deliveries after making a full organization's wait, so
# that one organization's backlog does not take the whole batch's turn from others.
_MAX_PASSES = 5


@dataclass(frozen=True)
class ClaimedDelivery:
    email: OutgoingEmail
    kind: str
    org_id: str
    # Attempts made before this one, in all, and since the last resend (the budget).
    attempts: int
    attempts_since_resend: int


@dataclass(frozen=True)
class Claim:
    deliveries: list[ClaimedDelivery]
    # Deliveries made to wait for their organization's hourly limit, per organization.
    waiting: dict[str, int]


@dataclass(frozen=True)
class _Usage:
    used: int
    # The oldest email counted in the window (the in-flight ones count as now).
    oldest: datetime | None


def _in_flight(now: datetime) -> ColumnElement[bool]:
    return and_(Delivery.claimed_until.is_not(None), Delivery.claimed_until > now)


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(_IS_DUE, Delivery.next_attempt_at <= now)


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    limit: int,
    lease: timedelta,
    hourly_limit: int,
) -> Claim:
    """Claim up to ``limit`` due deliveries, oldest due first, that their
    organization's hourly limit lets go now; make the others of a full organization
    wait for their turn.

    A claim moves ``next_attempt_at`` and ``claimed_until`` past the lease and commits
    at once, so no transaction stays open while talking to the mail server. A sender
    that dies mid-batch leaves its rows to be claimed again when the lease runs out.
    """
    await session.execute(select(func.pg_advisory_xact_lock(CLAIM_LOCK_KEY)))
    claimed: list[ClaimedDelivery] = []
    waiting: dict[str, int] = {}
    for _ in range(_MAX_PASSES):
        wanted = limit - len(claimed)
        if wanted <= 0:
            break
        rows = (
            await session.execute(
                select(Delivery.id, Delivery.org_id)
                .where(_due(now))
                .order_by(Delivery.next_attempt_at, Delivery.id)
                .limit(wanted)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if not rows:
            break
        due = [DueDelivery(row.id, row.org_id) for row in rows]
        usage = await _usage(session, {d.org_id for d in due}, now)
        plan = plan_claims(due, {org: u.used for org, u in usage.items()}, hourly_limit)
        claimed.extend(await _claim(session, plan.take, now=now, lease=lease))
        if plan.full:
            # Counted again: what was just claimed is in the window now.
            usage = await _usage(session, plan.full, now)
        for org_id in plan.full:
            found = usage.get(org_id)
            made_to_wait = await _make_wait(
                session,
                org_id,
                now=now,
                oldest=found.oldest if found else None,
                hourly_limit=hourly_limit,
            )
            waiting[org_id] = waiting.get(org_id, 0) + made_to_wait
        if not plan.full:
            break
    claimed.sort(key=lambda c: c.email.delivery_id)
    return Claim(claimed, waiting)


async def _usage(session: AsyncSession, orgs: Collection[str], now: datetime) -> dict[str, _Usage]:
    """Per organization, the emails sent in the last hour and those in flight (counted
    as sent now), each found by its own index."""
    sent = select(Delivery.org_id.label("org_id"), Delivery.sent_at.label("counted_at")).where(
        Delivery.org_id.in_(orgs), Delivery.sent_at > now - WINDOW
    )
    in_flight = select(
        Delivery.org_id.label("org_id"),
        literal(now, DateTime(timezone=True)).label("counted_at"),
    ).where(Delivery.org_id.in_(orgs), _in_flight(now))
    counted = union_all(sent, in_flight).subquery()
    rows = await session.execute(
        select(counted.c.org_id, func.count(), func.min(counted.c.counted_at)).group_by(
            counted.c.org_id
        )
    )
    return {org_id: _Usage(used, oldest) for org_id, used, oldest in rows}


async def _claim(
    session: AsyncSession, ids: list[int], *, now: datetime, lease: timedelta
) -> list[ClaimedDelivery]:
    if not ids:
        return []
    rows = await session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids))
        .values(next_attempt_at=now + lease, claimed_until=now + lease, last_attempt_at=now)
        .returning(
            Delivery.id,
            Delivery.org_id,
            Delivery.kind,
            Delivery.attempts,
            Delivery.attempts_before_resend,
            Delivery.recipient_email,
            Delivery.recipient_name,
            Delivery.language,
            Delivery.subject,
            Delivery.body_text,
            Delivery.body_html,
            Delivery.message_id,
            Delivery.in_reply_to,
        )
    )
    return [
        ClaimedDelivery(
            email=OutgoingEmail(
                delivery_id=row.id,
                recipient_email=row.recipient_email,
                recipient_name=row.recipient_name,
                language=row.language,
                subject=row.subject,
                body_text=row.body_text,
                body_html=row.body_html,
                message_id=row.message_id,
                in_reply_to=row.in_reply_to,
            ),
            kind=row.kind,
            org_id=row.org_id,
            attempts=row.attempts,
            attempts_since_resend=row.attempts - row.attempts_before_resend,
        )
        for row in rows
    ]


async def _make_wait(
    session: AsyncSession,
    org_id: str,
    *,
    now: datetime,
    oldest: datetime | None,
    hourly_limit: int,
) -> int:
    """Give the organization's due deliveries their turns after the window frees up,
    behind those already waiting, one slot apart, in their order."""
    not_in_flight = or_(Delivery.claimed_until.is_(None), Delivery.claimed_until <= now)
    last_waiting = await session.scalar(
        select(func.max(Delivery.next_attempt_at)).where(
            Delivery.org_id == org_id,
            _IS_PENDING,
            Delivery.next_attempt_at > now,
            not_in_flight,
        )
    )
    start = first_waiting_slot(
        now=now, oldest_counted=oldest, last_waiting=last_waiting, hourly_limit=hourly_limit
    )
    waiting = (
        select(
            Delivery.id.label("id"),
            func.row_number()
            .over(order_by=(Delivery.next_attempt_at, Delivery.id))
            .label("position"),
        )
        .where(Delivery.org_id == org_id, _due(now), not_in_flight)
        .subquery()
    )
    result = await session.execute(
        update(Delivery)
        .where(Delivery.id == waiting.c.id)
        .values(
            # start + (position - 1) slots; make_interval(years, months, weeks, days,
            # hours, mins, secs).
            next_attempt_at=literal(start, DateTime(timezone=True))
            + func.make_interval(
                *(0,) * 6,
                slot_spacing(hourly_limit).total_seconds() * (waiting.c.position - 1),
                type_=Interval(),
            )
        )
        .returning(Delivery.id)
    )
    return len(result.all())


async def record_sent(session: AsyncSession, delivery_id: int, *, now: datetime) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status.in_(_DUE))
        .values(
            status=DeliveryStatus.SENT.value,
            attempts=Delivery.attempts + 1,
            sent_at=now,
            claimed_until=None,
        )
    )


async def record_failure(
    session: AsyncSession,
    delivery_id: int,
    *,
    status: DeliveryStatus,
    error: str,
    retry_at: datetime | None,
) -> None:
    values: dict[str, object] = {
        "status": status.value,
        "attempts": Delivery.attempts + 1,
        "last_error": error[:2000],
        "claimed_until": None,
    }
    if retry_at is not None:
        values["next_attempt_at"] = retry_at
    await session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status.in_(_DUE)).values(values)
    )
