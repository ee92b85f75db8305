"""The ticket store's tables: tickets and their history."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Interval,
    Row,
    Sequence,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

TICKET_NUMBER_SEQUENCE = Sequence("ticket_number_seq", start=1)


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_org_status", "org_id", "status"),
        Index("ix_tickets_status_priority", "status", "priority"),
        # The SLA job's and the queues' "soonest due first".
        Index("ix_tickets_status_resolution_due", "status", "resolution_due_at"),
        # The auto-close job: resolved tickets left alone the longest.
        Index("ix_tickets_status_updated", "status", "updated_at"),
    )

    ticket_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    # One declaration, one ticket: the unique key makes a second creation impossible.
    declaration_id: Mapped[str] = mapped_column(String(100), unique=True)
    org_id: Mapped[str] = mapped_column(String(100))
    contract_id: Mapped[str] = mapped_column(String(100))
    element_id: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    site_id: Mapped[str | None] = mapped_column(String(100))
    nature: Mapped[str] = mapped_column(String(50))
    impacted_users: Mapped[str] = mapped_column(String(50))
    main_usage: Mapped[str] = mapped_column(String(50))
    priority: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(30))
    customer_reference: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # People and lists as the declaration gave them (Person, Recipient, OnsiteContact).
    declared_by: Mapped[dict[str, Any]] = mapped_column(JSONB)
    interlocutor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    notify: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    onsite_contact: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    attachment_ids: Mapped[list[str]] = mapped_column(JSONB)
    assignee: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    priority_overridden: Mapped[bool] = mapped_column(Boolean)
    # The SLA clock (ticket_store.domain.sla); it starts at created_at.
    response_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolution_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sla_paused_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sla_paused_total: Mapped[timedelta] = mapped_column(Interval)
    response_breached_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolution_breached_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Every change adds one; writes are conditioned on the version the writer read.
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HistoryEntry(Base):
    """One change of a ticket: who, when, what, from and to, public or not."""

    __tablename__ = "ticket_history"
    __table_args__ = (Index("ix_history_ticket", "ticket_number", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    ticket_number: Mapped[str] = mapped_column(ForeignKey("tickets.ticket_number"))
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(30))
    public: Mapped[bool] = mapped_column(Boolean)
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_sub: Mapped[str | None] = mapped_column(String(200))
    actor_name: Mapped[str | None] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(30))
    to_status: Mapped[str | None] = mapped_column(String(30))
    comment: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str | None] = mapped_column(String(50))
    reason: Mapped[str | None] = mapped_column(Text)
    from_priority: Mapped[str | None] = mapped_column(String(2))
    to_priority: Mapped[str | None] = mapped_column(String(2))
    # On an assignment: the new assignee (a Person), or null when released.
    assignee: Mapped[dict[str, Any] | None] = mapped_column(JSONB)


# The same tables for the statements built once, in Core (registration, reads): no ORM
# unit of work or identity map on the hot paths.
TICKETS: Final = Base.metadata.tables[Ticket.__tablename__]
HISTORY: Final = Base.metadata.tables[HistoryEntry.__tablename__]

# A ticket or an entry as the ORM loads it (the changes) or as a Core row reads it (the
# reads): the same attribute names either way.
TicketRecord = Ticket | Row[Any]
HistoryRecord = HistoryEntry | Row[Any]
