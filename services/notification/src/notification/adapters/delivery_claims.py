"""Claiming due deliveries for a sender, within each organization's hourly limit.

Times come from the sender's clock (``now``), not the database's, so that tests can
move time forward instead of waiting for it. Every statement is built once, here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.mime import OutgoingEmail
from notification.domain.org_limit import WINDOW, first_waiting_slot, slot_spacing

# Claims are serialized on this advisory lock (a short transaction each), so that two
# senders cannot both see an organization one email under its limit and both send. It
# is taken in a statement of its own: a statement sees the rows committed before it
# began, so the claim must begin once the previous claimer has committed.
CLAIM_LOCK_KEY = 0x6E6F7469_66790001
# A claim looks again for due deliveries after making a full organization's wait, so
# that one organization's backlog does not take the whole batch's turn from others.
_MAX_PASSES = 5

_LOCK = text("SELECT pg_advisory_xact_lock(:key)")

# One pass in one statement: the due deliveries, oldest due first (locked, skipping
# those another sender holds), each organization's emails of the last hour and those
# in flight (counted as sent now, each found by its own index), and the claim of those
# that their organization's limit lets go: their next attempt and their lease pushed
# past the batch (each organization counted once: MATERIALIZED, or the planner counts
# again for each of its deliveries). Then, with a NULL id, the organizations left with
# due deliveries.
# The due statuses are literals, not parameters: only then can the planner use the
# partial indexes on due deliveries (WHERE status IN ('pending', 'retrying')) under
# the generic plan of a prepared statement. Bound, every claim scanned the whole log.
# The claimed rows are found by their ids (id = ANY(...)), not by a join, which a plan
# cached while the table was small would make with a read of the whole table.
_CLAIM = text(
    """
    WITH due AS (
        SELECT id, org_id, next_attempt_at
        FROM deliveries
        WHERE status IN ('pending', 'retrying') AND next_attempt_at <= :now
        ORDER BY next_attempt_at, id
        LIMIT :wanted
        FOR UPDATE SKIP LOCKED
    ),
    usage AS MATERIALIZED (
        SELECT orgs.org_id,
               (SELECT count(*) FROM deliveries AS sent
                WHERE sent.org_id = orgs.org_id AND sent.sent_at > :window_start)
             + (SELECT count(*) FROM deliveries AS flying
                WHERE flying.org_id = orgs.org_id
                  AND flying.claimed_until IS NOT NULL AND flying.claimed_until > :now)
               AS used
        FROM (SELECT DISTINCT org_id FROM due) AS orgs
    ),
    queued AS (
        SELECT due.id, due.org_id,
               usage.used + row_number() OVER (
                   PARTITION BY due.org_id ORDER BY due.next_attempt_at, due.id
               ) AS counted,
               row_number() OVER (ORDER BY due.next_attempt_at, due.id) AS turn
        FROM due JOIN usage ON usage.org_id = due.org_id
    ),
    taken AS (
        UPDATE deliveries
        SET next_attempt_at = :lease_end, claimed_until = :lease_end, last_attempt_at = :now
        WHERE deliveries.id = ANY(
            ARRAY(SELECT queued.id FROM queued WHERE queued.counted <= :hourly_limit)
        )
        RETURNING deliveries.id, deliveries.org_id, deliveries.kind, deliveries.attempts,
                  deliveries.attempts_before_resend, deliveries.recipient_email,
                  deliveries.recipient_name, deliveries.language, deliveries.subject,
                  deliveries.body_text, deliveries.body_html, deliveries.message_id,
                  deliveries.in_reply_to, CAST(0 AS bigint) AS turn
    )
    SELECT * FROM taken
    UNION ALL
    SELECT NULL, org_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           min(turn)
    FROM queued WHERE counted > :hourly_limit GROUP BY org_id
    """
)

# Per organization, the emails sent in the last hour and those in flight (counted as
# sent now): how many, and the oldest.
_USAGE = text(
    """
    SELECT org_id, count(*) AS used, min(counted_at) AS oldest
    FROM (
        SELECT org_id, sent_at AS counted_at FROM deliveries
        WHERE org_id = ANY(CAST(:orgs AS varchar[])) AND sent_at > :window_start
        UNION ALL
        SELECT org_id, CAST(:now AS timestamptz) FROM deliveries
        WHERE org_id = ANY(CAST(:orgs AS varchar[]))
          AND claimed_until IS NOT NULL AND claimed_until > :now
    ) AS counted
    GROUP BY org_id
    """
)

# The latest turn given to an organization's deliveries that wait for its limit.
_LAST_WAITING = text(
    """
    SELECT max(next_attempt_at) FROM deliveries
    WHERE org_id = :org_id AND status = 'pending' AND next_attempt_at > :now
      AND (claimed_until IS NULL OR claimed_until <= :now)
    """
)

# The organization's due deliveries get their turns, in their order: start + (position
# - 1) slots.
_MAKE_WAIT = text(
    """
    UPDATE deliveries
    SET next_attempt_at = CAST(:start AS timestamptz)
        + make_interval(secs => CAST(:spacing AS double precision) * (waiting.position - 1))
    FROM (
        SELECT id, row_number() OVER (ORDER BY next_attempt_at, id) AS position
        FROM deliveries
        WHERE org_id = :org_id
          AND status IN ('pending', 'retrying') AND next_attempt_at <= :now
          AND (claimed_until IS NULL OR claimed_until <= :now)
    ) AS waiting
    WHERE deliveries.id = waiting.id
    RETURNING deliveries.id
    """
)


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
class _Pass:
    claimed: list[ClaimedDelivery]
    # Organizations whose due deliveries their limit holds back, in the order of
    # their first such delivery.
    full: list[str]


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
    In the common case (no organization at its limit) this is two statements: the
    lock and one pass.
    """
    await session.execute(_LOCK, {"key": CLAIM_LOCK_KEY})
    claimed: list[ClaimedDelivery] = []
    waiting: dict[str, int] = {}
    for _ in range(_MAX_PASSES):
        wanted = limit - len(claimed)
        if wanted <= 0:
            break
        found = await _pass(session, now=now, wanted=wanted, lease=lease, hourly_limit=hourly_limit)
        claimed.extend(found.claimed)
        if not found.full:
            break
        # Counted again: what was just claimed is in the window now.
        usage = await _usage(session, found.full, now)
        for org_id in found.full:
            made_to_wait = await _make_wait(
                session, org_id, now=now, oldest=usage.get(org_id), hourly_limit=hourly_limit
            )
            waiting[org_id] = waiting.get(org_id, 0) + made_to_wait
    claimed.sort(key=lambda c: c.email.delivery_id)
    return Claim(claimed, waiting)


async def _pass(
    session: AsyncSession, *, now: datetime, wanted: int, lease: timedelta, hourly_limit: int
) -> _Pass:
    rows = await session.execute(
        _CLAIM,
        {
            "now": now,
            "wanted": wanted,
            "window_start": now - WINDOW,
            "lease_end": now + lease,
            "hourly_limit": hourly_limit,
        },
    )
    claimed: list[ClaimedDelivery] = []
    full: list[tuple[int, str]] = []
    for row in rows:
        if row.id is None:
            full.append((row.turn, row.org_id))
            continue
        claimed.append(
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
        )
    return _Pass(claimed, [org_id for _turn, org_id in sorted(full)])


async def _usage(
    session: AsyncSession, orgs: Sequence[str], now: datetime
) -> dict[str, datetime | None]:
    """The oldest email counted in each organization's window."""
    rows = await session.execute(
        _USAGE, {"orgs": list(orgs), "now": now, "window_start": now - WINDOW}
    )
    return {row.org_id: row.oldest for row in rows}


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
    last_waiting = await session.scalar(_LAST_WAITING, {"org_id": org_id, "now": now})
    start = first_waiting_slot(
        now=now, oldest_counted=oldest, last_waiting=last_waiting, hourly_limit=hourly_limit
    )
    result = await session.execute(
        _MAKE_WAIT,
        {
            "org_id": org_id,
            "now": now,
            "start": start,
            "spacing": slot_spacing(hourly_limit).total_seconds(),
        },
    )
    return len(result.all())
