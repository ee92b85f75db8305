"""The emails' bodies stored out of line, so that a claim or an outcome does not copy them.

A delivery's row is updated twice after its insert (claimed, then sent or failed) on
indexed columns, so no update is HOT: each writes a whole new version of the row. With
both rendered bodies inline (about 2.8 kB a row), that was most of PostgreSQL's work per
email under load (bench/RESULTS.md). Below ``toast_tuple_target`` PostgreSQL keeps
values inline; at 128 bytes the bodies (and the subject, when long) go to the TOAST
table, compressed, and an update that does not change them carries their pointers only.
"""

from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.execute("ALTER TABLE deliveries SET (toast_tuple_target = 128)")


def downgrade() -> None:
    op.execute("ALTER TABLE deliveries RESET (toast_tuple_target)")
