"""The lifecycle: SLA clock, priority override, resolution times; richer history.

Tickets registered before this migration get their SLA due times from the default
targets of the time (P1 30 min / 4 h, P2 1 h / 8 h, P3 4 h / 2 days, P4 1 day /
5 days), counted from their creation.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"

_TIMESTAMPS = (
    "response_due_at",
    "resolution_due_at",
    "responded_at",
    "sla_paused_since",
    "response_breached_at",
    "resolution_breached_at",
    "resolved_at",
    "closed_at",
)


def upgrade() -> None:
    op.add_column("tickets", sa.Column("priority_overridden", sa.Boolean))
    for name in _TIMESTAMPS:
        op.add_column("tickets", sa.Column(name, sa.DateTime(timezone=True)))
    op.add_column("tickets", sa.Column("sla_paused_total", sa.Interval))
    op.execute(
        """
        UPDATE tickets SET
            priority_overridden = false,
            sla_paused_total = interval '0',
            response_due_at = created_at + CASE priority
                WHEN 'P1' THEN interval '30 minutes'
                WHEN 'P2' THEN interval '1 hour'
                WHEN 'P3' THEN interval '4 hours'
                ELSE interval '1 day' END,
            resolution_due_at = created_at + CASE priority
                WHEN 'P1' THEN interval '4 hours'
                WHEN 'P2' THEN interval '8 hours'
                WHEN 'P3' THEN interval '2 days'
                ELSE interval '5 days' END
        """
    )
    for name in ("priority_overridden", "sla_paused_total", "response_due_at", "resolution_due_at"):
        op.alter_column("tickets", name, nullable=False)
    op.create_index("ix_tickets_status_resolution_due", "tickets", ["status", "resolution_due_at"])
    op.create_index("ix_tickets_status_updated", "tickets", ["status", "updated_at"])

    op.add_column("ticket_history", sa.Column("action", sa.String(50)))
    op.add_column("ticket_history", sa.Column("reason", sa.Text))
    op.add_column("ticket_history", sa.Column("from_priority", sa.String(2)))
    op.add_column("ticket_history", sa.Column("to_priority", sa.String(2)))
    op.add_column("ticket_history", sa.Column("assignee", postgresql.JSONB))


def downgrade() -> None:
    for name in ("assignee", "to_priority", "from_priority", "reason", "action"):
        op.drop_column("ticket_history", name)
    op.drop_index("ix_tickets_status_updated", table_name="tickets")
    op.drop_index("ix_tickets_status_resolution_due", table_name="tickets")
    for name in ("sla_paused_total", *_TIMESTAMPS, "priority_overridden"):
        op.drop_column("tickets", name)
