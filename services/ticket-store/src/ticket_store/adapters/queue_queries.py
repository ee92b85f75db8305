"""The operations' queues: tickets filtered, soonest due or newest first, by keyset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Select, and_, or_, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from ticket_store.adapters.tables import Ticket
from ticketing_common.reference import Priority, TicketStatus


class QueueOrder(StrEnum):
    # Soonest resolution due time first: what to work on next.
    DUE = "due"
    NEWEST = "newest"


@dataclass(frozen=True)
class QueueFilter:
    statuses: frozenset[TicketStatus] = frozenset()
    priorities: frozenset[Priority] = frozenset()
    org_id: str | None = None
    # A sub; with ``unassigned`` true, tickets nobody holds.
    assignee_sub: str | None = None
    unassigned: bool = False
    breached: bool | None = None


@dataclass(frozen=True)
class QueuePosition:
    """The keyset of the last row of a page."""

    at: datetime
    ticket_number: str


def _key_column(order: QueueOrder) -> InstrumentedAttribute[datetime]:
    return Ticket.resolution_due_at if order is QueueOrder.DUE else Ticket.created_at


def queue_query(
    filters: QueueFilter, order: QueueOrder, after: QueuePosition | None, limit: int
) -> Select[Ticket]:
    statement = select(Ticket)
    if filters.statuses:
        statement = statement.where(Ticket.status.in_(sorted(s.value for s in filters.statuses)))
    if filters.priorities:
        statement = statement.where(
            Ticket.priority.in_(sorted(p.value for p in filters.priorities))
        )
    if filters.org_id is not None:
        statement = statement.where(Ticket.org_id == filters.org_id)
    if filters.unassigned:
        # Covers SQL NULL and JSON null alike (the ORM writes None as JSON null).
        statement = statement.where(Ticket.assignee["sub"].astext.is_(None))
    elif filters.assignee_sub is not None:
        statement = statement.where(Ticket.assignee["sub"].astext == filters.assignee_sub)
    breached = or_(
        Ticket.response_breached_at.is_not(None), Ticket.resolution_breached_at.is_not(None)
    )
    if filters.breached is True:
        statement = statement.where(breached)
    elif filters.breached is False:
        statement = statement.where(
            and_(Ticket.response_breached_at.is_(None), Ticket.resolution_breached_at.is_(None))
        )
    key = _key_column(order)
    if order is QueueOrder.DUE:
        if after is not None:
            statement = statement.where(
                tuple_(key, Ticket.ticket_number) > tuple_(after.at, after.ticket_number)
            )
        statement = statement.order_by(key, Ticket.ticket_number)
    else:
        if after is not None:
            statement = statement.where(
                tuple_(key, Ticket.ticket_number) < tuple_(after.at, after.ticket_number)
            )
        statement = statement.order_by(key.desc(), Ticket.ticket_number.desc())
    return statement.limit(limit)


def position_of(ticket: Ticket, order: QueueOrder) -> QueuePosition:
    at = ticket.resolution_due_at if order is QueueOrder.DUE else ticket.created_at
    return QueuePosition(at=at, ticket_number=ticket.ticket_number)
