"""Catalog, declarations, idempotency keys, outbox and inbox."""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from ticketing_common.db import messaging_migration_v1

revision = "0001"
down_revision = None


def _timestamps() -> list[sa.Column[Any]]:
    return [
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    ]


def upgrade() -> None:
    # unaccent: catalog search ignores accents ("Société" is found by "societe").
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.create_table(
        "organizations",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        *_timestamps(),
    )
    op.create_table(
        "contracts",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("org_id", sa.String(100), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("number", sa.String(100), nullable=False, unique=True),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        *_timestamps(),
    )
    op.create_index("ix_contracts_org", "contracts", ["org_id", "id"])
    op.create_table(
        "elements",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("contract_id", sa.String(100), sa.ForeignKey("contracts.id"), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("service_type", sa.String(100), nullable=False),
        sa.Column("regions", postgresql.ARRAY(sa.String(100)), nullable=False),
        *_timestamps(),
    )
    op.create_index("ix_elements_contract", "elements", ["contract_id", "id"])
    op.create_table(
        "sites",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("org_id", sa.String(100), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("latitude", sa.Float, nullable=False),
        sa.Column("longitude", sa.Float, nullable=False),
        *_timestamps(),
    )
    op.create_index("ix_sites_org", "sites", ["org_id", "id"])
    op.create_table(
        "contacts",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("org_id", sa.String(100), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("phone", sa.String(50)),
        sa.Column("language", sa.String(2), nullable=False),
        *_timestamps(),
    )
    op.create_index("ix_contacts_org", "contacts", ["org_id", "id"])
    op.create_table(
        "declarations",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("org_id", sa.String(100), nullable=False),
        sa.Column("contract_id", sa.String(100), nullable=False),
        sa.Column("declared_by_sub", sa.String(200), nullable=False),
        sa.Column("accepted", postgresql.JSONB, nullable=False),
        sa.Column("ticket_number", sa.String(20)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_declarations_org", "declarations", ["org_id", "created_at"])
    op.create_table(
        "idempotency_keys",
        sa.Column("user_sub", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("response", postgresql.JSONB),
        sa.Column("declaration_id", sa.String(100)),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    messaging_migration_v1.upgrade()


def downgrade() -> None:
    messaging_migration_v1.downgrade()
    for table in (
        "idempotency_keys",
        "declarations",
        "contacts",
        "sites",
        "elements",
        "contracts",
        "organizations",
    ):
        op.drop_table(table)
