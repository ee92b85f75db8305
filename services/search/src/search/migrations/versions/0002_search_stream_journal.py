"""Full-text and partial search, the ticket's new fields, sites for the map, the change
log behind the live stream, and the event journal."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"

CHANGES_CHANNEL = "search_incident_changes"
JOURNAL_CHANNEL = "search_event_journal"

_SEARCH_DOCUMENT = (
    "to_tsvector('public.search_fr'::regconfig, "
    "coalesce(customer_reference, '') || ' ' || description) || "
    "to_tsvector('public.search_en'::regconfig, "
    "coalesce(customer_reference, '') || ' ' || description)"
)


def _search_functions() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # unaccent(text) is only STABLE (it reads its dictionary by name at each call), so
    # it cannot appear in an index; naming the dictionary makes the call immutable.
    # Schema-qualified so the index means the same whatever the search_path.
    op.execute(
        """
        CREATE FUNCTION public.search_fold(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$
        """
    )
    # French and English stemming after unaccent: "École", "ecole" and "écoles" meet.
    for name, language in (("search_fr", "french"), ("search_en", "english")):
        op.execute(f"CREATE TEXT SEARCH CONFIGURATION public.{name} (COPY = pg_catalog.{language})")
        op.execute(
            f"ALTER TEXT SEARCH CONFIGURATION public.{name} "
            "ALTER MAPPING FOR hword, hword_part, word "
            f"WITH public.unaccent, pg_catalog.{language}_stem"
        )


def _notify_trigger(table: str, channel: str) -> None:
    # One notification per inserting statement, delivered at commit: every replica's
    # feed wakes and reads what is new.
    op.execute(
        f"""
        CREATE FUNCTION {table}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{channel}', '');
            RETURN NULL;
        END $$;
        """
    )
    op.execute(
        f"CREATE TRIGGER {table}_notify AFTER INSERT ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_notify()"
    )


def upgrade() -> None:
    _search_functions()
    op.add_column(
        "incidents",
        sa.Column("priority_overridden", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column("incidents", sa.Column("assignee_sub", sa.String(200)))
    op.add_column("incidents", sa.Column("assignee_name", sa.String(200)))
    op.add_column("incidents", sa.Column("sla", postgresql.JSONB))
    op.add_column("incidents", sa.Column("resolved_at", sa.DateTime(timezone=True)))
    op.add_column("incidents", sa.Column("closed_at", sa.DateTime(timezone=True)))
    op.add_column(
        "incidents",
        sa.Column(
            "search_document",
            postgresql.TSVECTOR,
            sa.Computed(_SEARCH_DOCUMENT, persisted=True),
        ),
    )
    op.execute("CREATE INDEX ix_incidents_search_document ON incidents USING gin (search_document)")
    op.execute(
        "CREATE INDEX ix_incidents_reference_trigrams ON incidents "
        "USING gin (search_fold(customer_reference) gin_trgm_ops)"
    )
    op.execute(
        "CREATE INDEX ix_incidents_ticket_number_trigrams ON incidents "
        "USING gin (ticket_number gin_trgm_ops)"
    )

    op.create_table(
        "sites",
        sa.Column("site_id", sa.String(100), primary_key=True),
        sa.Column("org_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("latitude", sa.Float, nullable=False),
        sa.Column("longitude", sa.Float, nullable=False),
        sa.Column("described_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("described_by", sa.String(100), nullable=False),
    )

    op.create_table(
        "incident_changes",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("public", sa.Boolean, nullable=False),
        sa.Column("declaration_id", sa.String(100)),
        sa.Column("org_id", sa.String(100)),
        sa.Column("contract_id", sa.String(100)),
        sa.Column("incident", postgresql.JSONB),
        sa.Column("change", postgresql.JSONB),
    )
    op.create_index("ix_incident_changes_org", "incident_changes", ["org_id", "id"])
    op.create_index("ix_incident_changes_recorded_at", "incident_changes", ["recorded_at"])
    _notify_trigger("incident_changes", CHANGES_CHANNEL)

    op.create_table(
        "feed_horizons",
        sa.Column("feed", sa.String(50), primary_key=True),
        sa.Column("purged_through", sa.BigInteger, nullable=False),
    )

    op.create_table(
        "event_journal",
        sa.Column("seq", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("event_id", sa.String(200), nullable=False, unique=True),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(200)),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("correlation_id", sa.String(200), nullable=False),
        sa.Column("org_id", sa.String(100)),
        sa.Column("ticket_number", sa.String(20)),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
        sa.Column("envelope", postgresql.JSONB, nullable=False),
    )
    op.create_index("ix_event_journal_correlation", "event_journal", ["correlation_id", "seq"])
    op.create_index(
        "ix_event_journal_ticket",
        "event_journal",
        ["ticket_number"],
        postgresql_where=sa.text("ticket_number IS NOT NULL"),
    )
    op.create_index("ix_event_journal_type", "event_journal", ["type", "seq"])
    op.create_index("ix_event_journal_org", "event_journal", ["org_id", "seq"])
    op.create_index("ix_event_journal_time", "event_journal", ["time"])
    _notify_trigger("event_journal", JOURNAL_CHANNEL)


def downgrade() -> None:
    for table in ("event_journal", "incident_changes"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_notify()")
    op.drop_table("event_journal")
    op.drop_table("feed_horizons")
    op.drop_table("incident_changes")
    op.drop_table("sites")
    for index in (
        "ix_incidents_ticket_number_trigrams",
        "ix_incidents_reference_trigrams",
        "ix_incidents_search_document",
    ):
        op.drop_index(index, table_name="incidents")
    for column in (
        "search_document",
        "closed_at",
        "resolved_at",
        "sla",
        "assignee_name",
        "assignee_sub",
        "priority_overridden",
    ):
        op.drop_column("incidents", column)
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS public.search_en")
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS public.search_fr")
    op.execute("DROP FUNCTION IF EXISTS public.search_fold(text)")
    # pg_trgm and unaccent stay: other objects of the database may use them.
