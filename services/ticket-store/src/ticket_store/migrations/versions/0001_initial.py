"""Tickets, their history, the ticket number sequence, outbox and inbox."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from ticketing_common.db import messaging_migration_v1

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.execute("CREATE SEQUENCE ticket_number_seq START 1")
    op.create_table(
        "tickets",
        sa.Column("ticket_number", sa.String(20), primary_key=True),
        sa.Column("declaration_id", sa.String(100), nullable=False, unique=True),
        sa.Column("org_id", sa.String(100), nullable=False),
        sa.Column("contract_id", sa.String(100), nullable=False),
        sa.Column("element_id", sa.String(100), nullable=False),
        sa.Column("region", sa.String(100)),
        sa.Column("site_id", sa.String(100)),
        sa.Column("nature", sa.String(50), nullable=False),
        sa.Column("impacted_users", sa.String(50), nullable=False),
        sa.Column("main_usage", sa.String(50), nullable=False),
        sa.Column("priority", sa.String(2), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("customer_reference", sa.String(200)),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declared_by", postgresql.JSONB, nullable=False),
        sa.Column("interlocutor", postgresql.JSONB, nullable=False),
        sa.Column("notify", postgresql.JSONB, nullable=False),
        sa.Column("onsite_contact", postgresql.JSONB),
        sa.Column("attachment_ids", postgresql.JSONB, nullable=False),
        sa.Column("assignee", postgresql.JSONB),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tickets_org_status", "tickets", ["org_id", "status"])
    op.create_index("ix_tickets_status_priority", "tickets", ["status", "priority"])
    op.create_table(
        "ticket_history",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column(
            "ticket_number",
            sa.String(20),
            sa.ForeignKey("tickets.ticket_number"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("public", sa.Boolean, nullable=False),
        sa.Column("actor_kind", sa.String(20), nullable=False),
        sa.Column("actor_sub", sa.String(200)),
        sa.Column("actor_name", sa.String(200)),
        sa.Column("from_status", sa.String(30)),
        sa.Column("to_status", sa.String(30)),
        sa.Column("comment", sa.Text),
    )
    op.create_index("ix_history_ticket", "ticket_history", ["ticket_number", "id"])
    messaging_migration_v1.upgrade()


def downgrade() -> None:
    messaging_migration_v1.downgrade()
    op.drop_table("ticket_history")
    op.drop_table("tickets")
    op.execute("DROP SEQUENCE ticket_number_seq")
