"""Attachments: uploaded files, linked to the declaration that names them."""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "attachments",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("org_id", sa.String(100), nullable=False),
        sa.Column("uploaded_by_sub", sa.String(200), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("declaration_id", sa.String(100), sa.ForeignKey("declarations.id")),
        sa.Column("linked_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_attachments_declaration", "attachments", ["declaration_id"])
    op.create_index(
        "ix_attachments_unlinked",
        "attachments",
        ["created_at"],
        postgresql_where=sa.text("declaration_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("attachments")
