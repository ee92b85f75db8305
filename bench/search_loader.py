"""The list at scale: fill search's read model with a provider's history of incidents.

``load_incidents(url, incidents=1_000_000, organizations=1000)`` writes the rows
straight into ``incidents`` with ``COPY`` (the search document and every other
generated column are computed by PostgreSQL), having dropped the table's secondary
indexes first and rebuilt them after: much faster than keeping them up to date row by
row, and the plans afterwards are those of a table indexed as the migrations index it.

Organizations have Zipf-like sizes (index 0 the largest: tens of thousands of
incidents; most hold a few hundred), two contracts and two sites each, as the bench's
catalog describes them (``bench/catalog.py``); references and descriptions come from
``bench/text_corpus.py`` (French and English, some rare words); old incidents are over,
recent ones being worked, a few still registering. The same seed gives the same rows.
The organizations' incidents come interleaved, as they arrive in production: rows
written one organization after the other would sit together on disk and make every
customer's list unrealistically cheap to read.

PostgreSQL's share of the work (the full-text document of every row, the index builds)
runs on ``streams`` connections at once, one per core. The table is then vacuumed and
analyzed, as autovacuum would leave it: otherwise autovacuum would start on the new rows
in the middle of the measurements, and index-only scans would stay unavailable.

Alone, to fill a database for reading query plans:

    python -m bench.search_loader --database-url postgresql://postgres@127.0.0.1/search_big \\
        --incidents 1000000 --organizations 1000 --migrate
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from bench import text_corpus
from bench.catalog import (
    CONTRACTS_PER_ORGANIZATION,
    ELEMENTS_PER_CONTRACT,
    SITES_PER_ORGANIZATION,
    organization_id,
)
from search.bootstrap import MIGRATIONS
from search.domain.incident import IncidentRecord
from search.domain.status import IncidentStatus
from ticketing_common.db.engine import asyncpg_dsn
from ticketing_common.db.migrations import upgrade_to_head_async
from ticketing_common.reference import ImpactedUsers, MainUsage, Nature, Priority

# The columns the loader writes: every column of the record (generated ones are not).
COLUMNS: tuple[str, ...] = tuple(IncidentRecord.__dataclass_fields__)
# Loaded tickets get numbers far from those the bench's live declarations receive.
TICKET_NUMBER_OFFSET = 2_000_000
HISTORY = timedelta(days=3 * 365)
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

_PRIORITY = {
    (ImpactedUsers.ALL_USERS, MainUsage.PRODUCTION): Priority.P1,
    (ImpactedUsers.SEVERAL_SITES, MainUsage.PRODUCTION): Priority.P1,
    (ImpactedUsers.ONE_SITE, MainUsage.PRODUCTION): Priority.P2,
    (ImpactedUsers.SEVERAL_USERS, MainUsage.PRODUCTION): Priority.P2,
    (ImpactedUsers.ONE_USER, MainUsage.PRODUCTION): Priority.P3,
}
_OVER = (IncidentStatus.CLOSED, IncidentStatus.CANCELLED)


@dataclass(frozen=True)
class LoadReport:
    incidents: int
    organizations: int
    seconds: float

    def summary(self) -> str:
        rate = self.incidents / self.seconds if self.seconds else 0.0
        return (
            f"{self.incidents:,} incidents over {self.organizations} organizations "
            f"loaded in {self.seconds:.0f} s ({rate:,.0f} per second, indexes included)"
        )


def organization_weights(organizations: int) -> list[float]:
    """Each organization's share of the incidents: Zipf-like, index 0 the largest."""
    raw = [1.0 / (rank + 5) for rank in range(organizations)]
    total = sum(raw)
    return [weight / total for weight in raw]


def _status(age: timedelta, rng: random.Random) -> IncidentStatus:
    roll = rng.random()
    if age < timedelta(hours=1) and roll < 0.3:
        return IncidentStatus.REGISTERING
    if age > timedelta(days=30):
        return IncidentStatus.CLOSED if roll < 0.93 else IncidentStatus.CANCELLED
    for status, share in (
        (IncidentStatus.NEW, 0.15),
        (IncidentStatus.ACKNOWLEDGED, 0.30),
        (IncidentStatus.IN_PROGRESS, 0.55),
        (IncidentStatus.PENDING_CUSTOMER, 0.65),
        (IncidentStatus.RESOLVED, 0.80),
    ):
        if roll < share:
            return status
    return IncidentStatus.CLOSED


def _record(org_index: int, number: int, rng: random.Random) -> IncidentRecord:
    declared_at = NOW - HISTORY * (rng.random() ** 1.3)
    age = NOW - declared_at
    status = _status(age, rng)
    impacted = rng.choice(list(ImpactedUsers))
    usage = rng.choice(list(MainUsage))
    contract = 1 + rng.randrange(CONTRACTS_PER_ORGANIZATION)
    element = 1 + rng.randrange(ELEMENTS_PER_CONTRACT)
    registering = status is IncidentStatus.REGISTERING
    if registering:
        updated_at = declared_at
    else:
        hours = rng.uniform(0.01, max(0.02, min(age.total_seconds() / 3600, 240)))
        updated_at = min(NOW, declared_at + timedelta(hours=hours))
    resolved = status in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)
    return IncidentRecord(
        declaration_id=str(uuid.UUID(int=rng.getrandbits(128))),
        org_id=organization_id(org_index),
        ticket_number=None if registering else f"INC{TICKET_NUMBER_OFFSET + number:07d}",
        customer_reference=text_corpus.reference(rng),
        description=text_corpus.description(rng),
        status=status,
        priority=None
        if registering
        else _PRIORITY.get(
            (impacted, usage), Priority.P3 if usage is MainUsage.PRODUCTION else Priority.P4
        ),
        contract_id=f"CT-B{org_index:04d}-{contract}",
        element_id=f"EL-B{org_index:04d}-{contract}-{element}",
        site_id=f"SITE-B{org_index:04d}-{1 + rng.randrange(SITES_PER_ORGANIZATION)}"
        if rng.random() < 0.7
        else None,
        region=rng.choice(text_corpus.REGIONS),
        nature=rng.choice(list(Nature)),
        impacted_users=impacted,
        main_usage=usage,
        occurred_at=declared_at - timedelta(minutes=rng.randint(1, 360)),
        declared_at=declared_at,
        updated_at=updated_at,
        ticket_version=0 if registering else rng.randint(1, 6),
        resolved_at=updated_at if resolved else None,
        closed_at=updated_at if status in _OVER else None,
    )


def generate_records(
    incidents: int, organizations: int, *, seed: int = 5
) -> Iterator[IncidentRecord]:
    """``incidents`` records spread over ``organizations`` by ``organization_weights``,
    the organizations interleaved."""
    rng = random.Random(seed)
    weights = organization_weights(organizations)
    sizes = [int(incidents * weight) for weight in weights]
    for index in range(incidents - sum(sizes)):
        sizes[index % organizations] += 1
    order = [org_index for org_index, size in enumerate(sizes) for _ in range(size)]
    rng.shuffle(order)
    for number, org_index in enumerate(order, start=1):
        yield _record(org_index, number, rng)


async def migrate(url: str) -> None:
    await upgrade_to_head_async(MIGRATIONS, url)


def _row(record: IncidentRecord) -> tuple[Any, ...]:
    values = record.as_row()
    return tuple(
        value.value if hasattr(value, "value") and not isinstance(value, bool) else value
        for value in (values[column] for column in COLUMNS)
    )


async def _secondary_indexes(connection: asyncpg.Connection[Any]) -> list[tuple[str, str]]:
    rows = await connection.fetch(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'incidents' "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint "
        "WHERE conrelid = 'incidents'::regclass AND contype = 'p') ORDER BY indexname"
    )
    return [(row["indexname"], row["indexdef"]) for row in rows]


async def load_incidents(
    url: str,
    *,
    incidents: int,
    organizations: int,
    batch: int = 20_000,
    seed: int = 5,
    streams: int = 2,
    progress: Callable[[str], None] | None = None,
) -> LoadReport:
    """Add ``incidents`` rows to the read model at ``url`` (migrated), then rebuild its
    indexes, vacuum and analyze it."""
    started = time.perf_counter()
    dsn = asyncpg_dsn(url)
    connections = [await asyncpg.connect(dsn) for _ in range(max(1, streams))]
    connection = connections[0]
    try:
        for each in connections:
            # Index builds sort in memory rather than on disk (this session only).
            await each.execute("SET maintenance_work_mem = '256MB'")
        indexes = await _secondary_indexes(connection)
        for name, _ in indexes:
            await connection.execute(f'DROP INDEX IF EXISTS "{name}"')
        try:
            await _copy(
                connections, generate_records(incidents, organizations, seed=seed), batch, progress
            )
        finally:
            await _build(connections, indexes, progress)
        await connection.execute("VACUUM (ANALYZE) incidents")
    finally:
        for each in connections:
            await each.close()
    return LoadReport(incidents, organizations, time.perf_counter() - started)


async def _copy(
    connections: list[asyncpg.Connection[Any]],
    records: Iterator[IncidentRecord],
    batch: int,
    progress: Callable[[str], None] | None,
) -> None:
    """Batches of rows, each copied by whichever connection is free."""
    batches: asyncio.Queue[list[tuple[Any, ...]] | None] = asyncio.Queue(maxsize=len(connections))
    written = 0

    async def copy(connection: asyncpg.Connection[Any]) -> None:
        nonlocal written
        while (rows := await batches.get()) is not None:
            await connection.copy_records_to_table("incidents", records=rows, columns=list(COLUMNS))
            written += len(rows)
            if progress is not None:
                progress(f"{written:,} incidents written")

    copiers = [asyncio.create_task(copy(connection)) for connection in connections]

    async def put(rows: list[tuple[Any, ...]] | None) -> None:
        # A copier that failed takes no more batches: raise its error, not wait forever.
        putting = asyncio.ensure_future(batches.put(rows))
        await asyncio.wait({putting, *copiers}, return_when=asyncio.FIRST_COMPLETED)
        for copier in copiers:
            if copier.done() and not copier.cancelled() and copier.exception() is not None:
                putting.cancel()
                await copier
        await putting

    try:
        pending: list[tuple[Any, ...]] = []
        for record in records:
            pending.append(_row(record))
            if len(pending) >= batch:
                await put(pending)
                pending = []
        if pending:
            await put(pending)
        for _ in copiers:
            await put(None)
        await asyncio.gather(*copiers)
    finally:
        for copier in copiers:
            copier.cancel()
        await asyncio.gather(*copiers, return_exceptions=True)


async def _build(
    connections: list[asyncpg.Connection[Any]],
    indexes: list[tuple[str, str]],
    progress: Callable[[str], None] | None,
) -> None:
    """Rebuild the indexes from their definitions, one per connection at a time."""
    pending = list(indexes)

    async def build(connection: asyncpg.Connection[Any]) -> None:
        while pending:
            name, definition = pending.pop(0)
            if progress is not None:
                progress(f"building index {name}")
            await connection.execute(definition)

    await asyncio.gather(*(build(connection) for connection in connections))


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search_loader",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database-url", required=True, help="search's database")
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--migrate", action="store_true", help="apply search's migrations first")
    args = parser.parse_args()
    url = args.database_url
    if url.startswith("postgresql://"):
        url = "postgresql+asyncpg://" + url.removeprefix("postgresql://")

    async def run() -> None:
        if args.migrate:
            await migrate(url)
        report = await load_incidents(
            url,
            incidents=args.incidents,
            organizations=args.organizations,
            seed=args.seed,
            progress=lambda line: print(line, flush=True),
        )
        print(report.summary())

    asyncio.run(run())


if __name__ == "__main__":
    main()
