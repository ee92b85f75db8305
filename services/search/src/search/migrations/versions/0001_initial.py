"""The incident read model, its list indexes, outbox and inbox."""

import sqlalchemy as sa
from alembic import op

from ticketing_common.db import messaging_migration_v1

revision = "0001"
down_revision = None

# Newest change first, then the declaration id: the list's order and keyset.
_NEWEST_FIRST = [sa.text("updated_at DESC"), sa.text("declaration_id DESC")]


def upgrade() -> None:
    # unaccent: the list's search ignores accents ("intermittent" finds "Intermittént").
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.create_table(
        "incidents",
        sa.Column("declaration_id", sa.String(100), primary_key=True),
        sa.Column("org_id", sa.String(100), nullable=False),
        sa.Column("ticket_number", sa.String(20)),
        sa.Column("customer_reference", sa.String(200)),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("priority", sa.String(2)),
        sa.Column("contract_id", sa.String(100), nullable=False),
        sa.Column("element_id", sa.String(100), nullable=False),
        sa.Column("site_id", sa.String(100)),
        sa.Column("region", sa.String(100)),
        sa.Column("nature", sa.String(30), nullable=False),
        sa.Column("impacted_users", sa.String(30), nullable=False),
        sa.Column("main_usage", sa.String(30), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ticket_version", sa.Integer, nullable=False),
    )
    # One index per way a caller is scoped: everything, an organization, a contract.
    op.create_index("ix_incidents_updated", "incidents", _NEWEST_FIRST)
    op.create_index("ix_incidents_org_updated", "incidents", ["org_id", *_NEWEST_FIRST])
    op.create_index("ix_incidents_contract_updated", "incidents", ["contract_id", *_NEWEST_FIRST])
    messaging_migration_v1.upgrade()


def downgrade() -> None:
    messaging_migration_v1.downgrade()
    op.drop_table("incidents")
    # unaccent stays: other objects of the database may use it.
