"""Threads, message identities, ticket changes, claims, resends and the latest comment."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("message_id", sa.String(255)))
    op.add_column("deliveries", sa.Column("in_reply_to", sa.String(255)))
    op.add_column("deliveries", sa.Column("ticket_version", sa.Integer))
    op.add_column("deliveries", sa.Column("claimed_until", sa.DateTime(timezone=True)))
    op.add_column(
        "deliveries",
        sa.Column(
            "attempts_before_resend", sa.Integer, nullable=False, server_default=sa.text("0")
        ),
    )
    op.add_column(
        "deliveries",
        sa.Column("resends", sa.Integer, nullable=False, server_default=sa.text("0")),
    )
    op.add_column("deliveries", sa.Column("resent_at", sa.DateTime(timezone=True)))
    op.create_index(
        "uq_deliveries_ticket_change",
        "deliveries",
        ["declaration_id", "ticket_version", "recipient_email"],
        unique=True,
        postgresql_where=sa.text("ticket_version IS NOT NULL"),
    )
    op.create_index("ix_deliveries_org_sent", "deliveries", ["org_id", "sent_at"])
    op.create_index(
        "ix_deliveries_in_flight",
        "deliveries",
        ["org_id"],
        postgresql_where=sa.text("claimed_until IS NOT NULL"),
    )
    op.create_index(
        "ix_deliveries_org_due",
        "deliveries",
        ["org_id", "next_attempt_at"],
        postgresql_where=sa.text("status IN ('pending', 'retrying')"),
    )
    op.create_table(
        "threads",
        sa.Column("declaration_id", sa.String(100), primary_key=True),
        sa.Column("recipient", sa.String(320), primary_key=True),
        sa.Column("root_message_id", sa.String(255), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.add_column("tickets", sa.Column("last_comment", sa.Text))
    op.add_column("tickets", sa.Column("last_comment_at", sa.DateTime(timezone=True)))
    op.add_column("tickets", sa.Column("last_comment_author_kind", sa.String(20)))
    op.add_column("tickets", sa.Column("last_comment_author_name", sa.String(200)))
    op.add_column("tickets", sa.Column("last_comment_version", sa.Integer))


def downgrade() -> None:
    for column in (
        "last_comment_version",
        "last_comment_author_name",
        "last_comment_author_kind",
        "last_comment_at",
        "last_comment",
    ):
        op.drop_column("tickets", column)
    op.drop_table("threads")
    op.drop_index("ix_deliveries_org_due", table_name="deliveries")
    op.drop_index("ix_deliveries_in_flight", table_name="deliveries")
    op.drop_index("ix_deliveries_org_sent", table_name="deliveries")
    op.drop_index("uq_deliveries_ticket_change", table_name="deliveries")
    for column in (
        "resent_at",
        "resends",
        "attempts_before_resend",
        "claimed_until",
        "ticket_version",
        "in_reply_to",
        "message_id",
    ):
        op.drop_column("deliveries", column)
