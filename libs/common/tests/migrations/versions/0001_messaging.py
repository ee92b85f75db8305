"""The outbox and inbox tables."""

from ticketing_common.db import messaging_migration_v1

revision = "0001"
down_revision = None


def upgrade() -> None:
    messaging_migration_v1.upgrade()


def downgrade() -> None:
    messaging_migration_v1.downgrade()
