"""Notification's tables: the delivery log, the recipients' threads, and what is known
of each declaration's ticket."""

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
        # One email per recipient per change of the ticket, even should the change
        # come again under another event id.
        Index(
            "uq_deliveries_ticket_change",
            "declaration_id",
            "ticket_version",
            "recipient_email",
            unique=True,
            postgresql_where=text("ticket_version IS NOT NULL"),
        ),
        # The organization's emails of the last hour (its hourly limit)...
        Index("ix_deliveries_org_sent", "org_id", "sent_at"),
        # ... those in flight (a handful at any moment)...
        Index(
            "ix_deliveries_in_flight",
            "org_id",
            postgresql_where=text("claimed_until IS NOT NULL"),
        ),
        # ... and those waiting for it.
        Index(
            "ix_deliveries_org_due",
            "org_id",
            "next_attempt_at",
            postgresql_where=text("status IN ('pending', 'retrying')"),
        ),
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
    # Given when recorded, kept for every attempt and resend. NULL only on deliveries
    # recorded before identities were stored: they go as <delivery-{id}@{domain}>.
    message_id: Mapped[str | None] = mapped_column(String(255))
    # The root of the recipient's thread for this incident; NULL for the root itself.
    in_reply_to: Mapped[str | None] = mapped_column(String(255))
    # The ticket's version whose change this email reports (NULL: the acknowledgement).
    ticket_version: Mapped[int | None] = mapped_column(Integer)
    # While a sender hands the email to the server: in flight until then.
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Attempts made before the last resend: the retry budget counts from there.
    attempts_before_resend: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    resends: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    resent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Thread(Base):
    """The first email each recipient received about an incident: the one every later
    email to them refers to (``In-Reply-To``, ``References``)."""

    __tablename__ = "threads"

    declaration_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    # The address, lower case.
    recipient: Mapped[str] = mapped_column(String(320), primary_key=True)
    root_message_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Ticket(Base):
    """The ticket a declaration became, as far as ``ticket.updated`` told us.

    Kept so that an acknowledgement rendered after the ticket exists (events do not
    always arrive in order) still names it, and so that later emails can repeat the
    latest public comment.
    """

    __tablename__ = "tickets"

    declaration_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    ticket_number: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The latest public comment (the emails of changes without one repeat it), and the
    # version that brought it, so an older one arriving late does not replace it.
    last_comment: Mapped[str | None] = mapped_column(Text)
    last_comment_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_comment_author_kind: Mapped[str | None] = mapped_column(String(20))
    last_comment_author_name: Mapped[str | None] = mapped_column(String(200))
    last_comment_version: Mapped[int | None] = mapped_column(Integer)
