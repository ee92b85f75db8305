"""Deliveries, tickets, outbox and inbox."""

import sqlalchemy as sa
from alembic import op

from ticketing_common.db import messaging_migration_v1

revision = "0001"
down_revision = None

# Frozen here rather than imported: a later rename of the constant must not change
# what this migration did.
DELIVERIES_CHANNEL = "notification_deliveries"


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("declaration_id", sa.String(100), nullable=False),
        sa.Column("org_id", sa.String(100), nullable=False),
        sa.Column("ticket_number", sa.String(20)),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("recipient_email", sa.String(320), nullable=False),
        sa.Column("recipient_name", sa.String(200)),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body_text", sa.Text, nullable=False),
        sa.Column("body_html", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column(
            "next_attempt_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("event_id", "recipient_email", name="uq_deliveries_event_recipient"),
        sa.CheckConstraint(
            "status IN ('pending', 'retrying', 'sent', 'failed')", name="ck_deliveries_status"
        ),
    )
    op.create_index(
        "ix_deliveries_due",
        "deliveries",
        ["next_attempt_at"],
        postgresql_where=sa.text("status IN ('pending', 'retrying')"),
    )
    op.create_index("ix_deliveries_declaration", "deliveries", ["declaration_id", "id"])
    op.create_index("ix_deliveries_ticket", "deliveries", ["ticket_number", "id"])
    # One notification per inserting statement wakes the sender at commit time.
    op.execute(
        f"""
        CREATE FUNCTION deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{DELIVERIES_CHANNEL}', '');
            RETURN NULL;
        END $$;
        """
    )
    op.execute(
        "CREATE TRIGGER deliveries_notify AFTER INSERT ON deliveries "
        "FOR EACH STATEMENT EXECUTE FUNCTION deliveries_notify()"
    )
    op.create_table(
        "tickets",
        sa.Column("declaration_id", sa.String(100), primary_key=True),
        sa.Column("ticket_number", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    messaging_migration_v1.upgrade()


def downgrade() -> None:
    messaging_migration_v1.downgrade()
    op.drop_table("tickets")
    op.execute("DROP TRIGGER IF EXISTS deliveries_notify ON deliveries")
    op.execute("DROP FUNCTION IF EXISTS deliveries_notify()")
    op.drop_table("deliveries")
