"""Notification's tables: the delivery log, and the ticket number of each declaration."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Woken by a trigger on every insert into ``deliveries`` (see the first migration).
DELIVERIES_CHANNEL = "notification_deliveries"


class Base(DeclarativeBase):
    pass


class Delivery(Base):
    """One email to one recipient: what was rendered, and how sending it went.

    The rendered parts are kept, so a retry sends exactly what was first decided,
    and operations can see what a customer received.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        # One email per recipient per event: the guard behind the inbox.
        UniqueConstraint("event_id", "recipient_email", name="uq_deliveries_event_recipient"),
        CheckConstraint(
            "status IN ('pending', 'retrying', 'sent', 'failed')", name="ck_deliveries_status"
        ),
        Index(
            "ix_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status IN ('pending', 'retrying')"),
        ),
        Index("ix_deliveries_declaration", "declaration_id", "id"),
        Index("ix_deliveries_ticket", "ticket_number", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200))
    declaration_id: Mapped[str] = mapped_column(String(100))
    org_id: Mapped[str] = mapped_column(String(100))
    ticket_number: Mapped[str | None] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(40))
    recipient_email: Mapped[str] = mapped_column(String(320))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Ticket(Base):
    """The ticket a declaration became, as far as ``ticket.updated`` told us.

    Kept so that an acknowledgement rendered after the ticket exists (events do not
    always arrive in order) still names it, and so that later emails can tell a
    stale ``ticket.updated`` from a new one by its version.
    """

    __tablename__ = "tickets"

    declaration_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    ticket_number: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
