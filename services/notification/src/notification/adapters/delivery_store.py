"""Writing the delivery log: new deliveries, ticket numbers, claims and outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.mime import OutgoingEmail
from notification.adapters.tables import Delivery, Ticket
from notification.domain.delivery import DUE_STATUSES, DeliveryStatus

_DUE = [status.value for status in DUE_STATUSES]


@dataclass(frozen=True)
class NewDelivery:
    event_id: str
    declaration_id: str
    org_id: str
    ticket_number: str | None
    kind: str
    recipient_email: str
    recipient_name: str | None
    language: str
    subject: str
    body_text: str
    body_html: str


@dataclass(frozen=True)
class ClaimedDelivery:
    email: OutgoingEmail
    kind: str
    # Attempts made before this one.
    attempts: int


async def add_deliveries(session: AsyncSession, deliveries: Sequence[NewDelivery]) -> int:
    """Insert the deliveries not recorded yet; the number inserted."""
    if not deliveries:
        return 0
    statement = (
        insert(Delivery)
        .values([{**asdict(d), "status": DeliveryStatus.PENDING.value} for d in deliveries])
        .on_conflict_do_nothing(constraint="uq_deliveries_event_recipient")
        .returning(Delivery.id)
    )
    return len((await session.execute(statement)).all())


async def ticket_number_of(session: AsyncSession, declaration_id: str) -> str | None:
    found: str | None = await session.scalar(
        select(Ticket.ticket_number).where(Ticket.declaration_id == declaration_id)
    )
    return found


async def record_ticket(
    session: AsyncSession, *, declaration_id: str, ticket_number: str, version: int
) -> None:
    """Remember the ticket (a newer version replaces an older one, never the reverse),
    and name it on the declaration's deliveries that do not name it yet."""
    statement = insert(Ticket).values(
        declaration_id=declaration_id, ticket_number=ticket_number, version=version
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Ticket.declaration_id],
            set_={
                "ticket_number": statement.excluded.ticket_number,
                "version": statement.excluded.version,
                "updated_at": func.now(),
            },
            where=Ticket.version < statement.excluded.version,
        )
    )
    await session.execute(
        update(Delivery)
        .where(Delivery.declaration_id == declaration_id, Delivery.ticket_number.is_(None))
        .values(ticket_number=ticket_number)
    )


async def claim_due(
    session: AsyncSession, *, limit: int, lease: timedelta
) -> list[ClaimedDelivery]:
    """Claim up to ``limit`` deliveries that are due, oldest due first.

    A claim moves ``next_attempt_at`` past the lease and commits at once, so no
    transaction stays open while talking to the mail server. Other senders skip the
    rows (``SKIP LOCKED`` while claiming, the lease after); a sender that dies
    mid-batch leaves its rows to be claimed again when the lease runs out.
    """
    due = (
        select(Delivery.id)
        .where(Delivery.status.in_(_DUE), Delivery.next_attempt_at <= func.now())
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    rows = await session.execute(
        update(Delivery)
        .where(Delivery.id.in_(due))
        .values(next_attempt_at=func.now() + lease, last_attempt_at=func.now())
        .returning(
            Delivery.id,
            Delivery.recipient_email,
            Delivery.recipient_name,
            Delivery.subject,
            Delivery.body_text,
            Delivery.body_html,
            Delivery.kind,
            Delivery.attempts,
        )
    )
    claimed = [
        ClaimedDelivery(
            email=OutgoingEmail(
                delivery_id=row.id,
                recipient_email=row.recipient_email,
                recipient_name=row.recipient_name,
                subject=row.subject,
                body_text=row.body_text,
                body_html=row.body_html,
            ),
            kind=row.kind,
            attempts=row.attempts,
        )
        for row in rows
    ]
    claimed.sort(key=lambda c: c.email.delivery_id)
    return claimed


async def record_sent(session: AsyncSession, delivery_id: int) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status.in_(_DUE))
        .values(
            status=DeliveryStatus.SENT.value,
            attempts=Delivery.attempts + 1,
            sent_at=func.now(),
        )
    )


async def record_failure(
    session: AsyncSession,
    delivery_id: int,
    *,
    status: DeliveryStatus,
    error: str,
    retry_in: timedelta | None,
) -> None:
    values: dict[str, object] = {
        "status": status.value,
        "attempts": Delivery.attempts + 1,
        "last_error": error[:2000],
    }
    if retry_in is not None:
        values["next_attempt_at"] = func.now() + retry_in
    await session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status.in_(_DUE)).values(values)
    )
