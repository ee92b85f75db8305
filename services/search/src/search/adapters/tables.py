"""Search's table: the incident read model, one row per declaration."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Incident(Base):
    __tablename__ = "incidents"

    declaration_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(100))
    ticket_number: Mapped[str | None] = mapped_column(String(20))
    customer_reference: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    # An IncidentStatus; plain text so a new ticket status needs no migration.
    status: Mapped[str] = mapped_column(String(30))
    priority: Mapped[str | None] = mapped_column(String(2))
    contract_id: Mapped[str] = mapped_column(String(100))
    element_id: Mapped[str] = mapped_column(String(100))
    site_id: Mapped[str | None] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    nature: Mapped[str] = mapped_column(String(30))
    impacted_users: Mapped[str] = mapped_column(String(30))
    main_usage: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    declared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # 0 until a ticket.updated is applied; an older or equal version is ignored.
    ticket_version: Mapped[int] = mapped_column(Integer)


# The list reads newest change first, in keyset pages on (updated_at, declaration_id):
# one index per way a caller is scoped (everything, an organization, a contract).
Index(
    "ix_incidents_updated",
    Incident.updated_at.desc(),
    Incident.declaration_id.desc(),
)
Index(
    "ix_incidents_org_updated",
    Incident.org_id,
    Incident.updated_at.desc(),
    Incident.declaration_id.desc(),
)
Index(
    "ix_incidents_contract_updated",
    Incident.contract_id,
    Incident.updated_at.desc(),
    Incident.declaration_id.desc(),
)
