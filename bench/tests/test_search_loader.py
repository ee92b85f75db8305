from collections import Counter

from sqlalchemy.engine import make_url

from bench.search_loader import COLUMNS, generate_records, load_incidents, migrate
from search.domain.status import IncidentStatus
from ticketing_devkit.pytest_plugin import MakeDatabase


def test_records_look_like_a_providers_history() -> None:
    records = list(generate_records(5000, 100, seed=3))
    organizations = Counter(record.org_id for record in records)
    # The first organization is the largest; sizes fall off (Zipf-like).
    assert organizations.most_common(1)[0][0] == "ORG-B0000"
    assert organizations["ORG-B0000"] > 5 * organizations["ORG-B0050"]
    statuses = Counter(record.status for record in records)
    assert statuses[IncidentStatus.CLOSED] > statuses[IncidentStatus.NEW]
    numbers = [record.ticket_number for record in records if record.ticket_number]
    assert len(numbers) == len(set(numbers))
    for record in records:
        assert record.contract_id.startswith(f"CT-B{record.org_id[-4:]}-")
        assert record.occurred_at <= record.declared_at <= record.updated_at  # type: ignore[operator]
        assert (record.ticket_number is None) == (record.status is IncidentStatus.REGISTERING)


def test_records_are_the_same_for_the_same_seed() -> None:
    first = [record.declaration_id for record in generate_records(50, 10, seed=9)]
    assert first == [record.declaration_id for record in generate_records(50, 10, seed=9)]


async def test_the_loader_fills_the_migrated_schema_and_restores_its_indexes(
    make_database: MakeDatabase,
) -> None:
    import asyncpg

    url = await make_database("bench_loader")
    await migrate(url)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        before = await _indexes(connection)
        report = await load_incidents(url, incidents=1200, organizations=20, batch=500)
        assert report.incidents == 1200
        assert await connection.fetchval("SELECT count(*) FROM incidents") == 1200
        assert await _indexes(connection) == before
        # PostgreSQL computed the columns it generates (the full-text document).
        generated = await connection.fetch(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'incidents' AND is_generated = 'ALWAYS'"
        )
        for row in generated:
            column = row["column_name"]
            assert column not in COLUMNS
            empty = f'SELECT count(*) FROM incidents WHERE "{column}" IS NULL'
            assert await connection.fetchval(empty) == 0
    finally:
        await connection.close()


async def _indexes(connection: object) -> list[tuple[str, str]]:
    rows = await connection.fetch(  # type: ignore[attr-defined]
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'incidents' ORDER BY 1"
    )
    return [(row["indexname"], row["indexdef"]) for row in rows]
