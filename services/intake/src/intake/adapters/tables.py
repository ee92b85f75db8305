"""Intake's tables: the catalog, declarations, attachments and idempotency keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class _Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class Organization(_Timestamps, Base):
    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Contract(_Timestamps, Base):
    __tablename__ = "contracts"
    __table_args__ = (Index("ix_contracts_org", "org_id", "id"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    number: Mapped[str] = mapped_column(String(100), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))


class Element(_Timestamps, Base):
    """A park element: a service the customer subscribed under a contract."""

    __tablename__ = "elements"
    __table_args__ = (Index("ix_elements_contract", "contract_id", "id"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    contract_id: Mapped[str] = mapped_column(ForeignKey("contracts.id"))
    label: Mapped[str] = mapped_column(String(200))
    service_type: Mapped[str] = mapped_column(String(100))
    regions: Mapped[list[str]] = mapped_column(ARRAY(String(100)))


class Site(_Timestamps, Base):
    __tablename__ = "sites"
    __table_args__ = (Index("ix_sites_org", "org_id", "id"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)


class Contact(_Timestamps, Base):
    __tablename__ = "contacts"
    __table_args__ = (Index("ix_contacts_org", "org_id", "id"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))
    language: Mapped[str] = mapped_column(String(2))


class Declaration(Base):
    __tablename__ = "declarations"
    __table_args__ = (Index("ix_declarations_org", "org_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(100))
    contract_id: Mapped[str] = mapped_column(String(100))
    declared_by_sub: Mapped[str] = mapped_column(String(200))
    # The accepted declaration, exactly as the incident.declared event carries it.
    accepted: Mapped[dict[str, Any]] = mapped_column(JSONB)
    ticket_number: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    registered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IdempotencyKey(Base):
    """A declaration request already answered, by (user, key)."""

    __tablename__ = "idempotency_keys"

    user_sub: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    declaration_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Attachment(Base):
    """An uploaded file: its metadata here, its bytes in the attachment storage under
    ``storage_key``. Unlinked (no declaration) until a declaration names it."""

    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_declaration", "declaration_id"),
        # The cleanup pass looks for old uploads no declaration took.
        Index(
            "ix_attachments_unlinked",
            "created_at",
            postgresql_where=text("declaration_id IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(100))
    uploaded_by_sub: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    declaration_id: Mapped[str | None] = mapped_column(ForeignKey("declarations.id"))
    linked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
