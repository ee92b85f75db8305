"""Rebuilding the read model from the event journal, while the service keeps answering.

For when a projection changes (a new column, a fixed rule) or a row went wrong:

1. shadow tables are created beside ``incidents`` and ``sites``;
2. the journal is replayed into them in batches, in its order; the projection is
   order-independent, so each batch is folded in memory with the pure merge rule
   (``domain/replay.py``), COPYed into a staging table and merged with the consumer's
   own upsert;
3. the shadows get their indexes;
4. in one short transaction the live tables are locked against writes (reads go on),
   the events journaled meanwhile are replayed too, the shadows are swapped in under
   the usual names, and a ``rebuilt`` change tells every live stream to reload.

The consumer keeps running: its writes wait for the swap's lock a moment, then land in
the new tables. Only one rebuild runs at a time (an advisory lock).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Table, Text, cast, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from search.adapters.feed_order import hold_feed_order
from search.adapters.feeds import append_to_feeds
from search.adapters.incident_writes import INCIDENTS, SITES, apply_incidents, apply_sites
from search.adapters.shadow_tables import (
    create_shadow,
    drop_shadow,
    index_shadow,
    shadow_of,
    swap_in_shadow,
)
from search.adapters.tables import JournalEntry
from search.domain.changes import rebuilt_entry
from search.domain.replay import fold_events
from ticketing_common.db.engine import SessionFactory, create_session_factory
from ticketing_common.logging import get_logger

log = get_logger(__name__)

REBUILD_LOCK = 5_004_002
TABLES = (INCIDENTS, SITES)


class RebuildBusy(Exception):
    """Another rebuild holds the lock."""


class RebuildWouldLoseRows(Exception):
    """Incidents of the live list are not in the journal (loaded around it, or its
    entries removed): swapping would make them vanish."""


@dataclass
class RebuildReport:
    events: int = 0
    unreadable: int = 0
    incidents: int = 0
    sites: int = 0
    # Declarations whose row differs between the live table and the rebuilt one
    # (added, removed or changed), counted just before the swap.
    differing: int = 0
    # Of those, the live ones the journal does not know of.
    missing: int = 0
    swapped: bool = False
    seconds: float = 0.0


async def _replay(
    session: AsyncSession, tables: tuple[Table, Table], *, after: int, batch: int
) -> tuple[int, int, int]:
    """Apply the next batch of journaled events after ``after`` into ``tables``;
    (last seq read, events read, unreadable)."""
    rows = (
        await session.execute(
            # In the journal's order, by its primary key: types the list is not made
            # from are skipped while folding (filtering them here would make PostgreSQL
            # sort the whole journal for each batch).
            select(JournalEntry.seq, JournalEntry.type, cast(JournalEntry.envelope["data"], Text))
            .where(JournalEntry.seq > after)
            .order_by(JournalEntry.seq)
            .limit(batch)
        )
    ).all()
    if not rows:
        return after, 0, 0
    fold = fold_events([(event_type, data) for _, event_type, data in rows])
    incidents, sites = tables
    await apply_incidents(session, list(fold.incidents.values()), incidents)
    await apply_sites(session, list(fold.sites.values()), sites)
    return int(rows[-1][0]), len(rows), fold.unreadable


async def _differing(session: AsyncSession) -> int:
    columns = ", ".join(
        column.name for column in INCIDENTS.columns if column.name != "search_document"
    )
    live, shadow = INCIDENTS.name, shadow_of(INCIDENTS).name
    # Table and column names come from search's own metadata, never from input.
    query = (
        "SELECT count(DISTINCT declaration_id) FROM ("  # noqa: S608
        f"(SELECT {columns} FROM {live} EXCEPT SELECT {columns} FROM {shadow}) UNION ALL "
        f"(SELECT {columns} FROM {shadow} EXCEPT SELECT {columns} FROM {live})) AS d"
    )
    count = await session.scalar(text(query))
    return int(count or 0)


async def _missing(session: AsyncSession) -> int:
    live, shadow = INCIDENTS.name, shadow_of(INCIDENTS).name
    query = (
        f"SELECT count(*) FROM {live} AS live WHERE NOT EXISTS "  # noqa: S608 - our names
        f"(SELECT 1 FROM {shadow} AS rebuilt WHERE rebuilt.declaration_id = live.declaration_id)"
    )
    return int(await session.scalar(text(query)) or 0)


async def rebuild_read_model(
    engine: AsyncEngine,
    *,
    batch_size: int = 5000,
    dry_run: bool = False,
    allow_losing_rows: bool = False,
    swap_attempts: int = 10,
    lock_timeout_ms: int = 5000,
    progress: Callable[[RebuildReport], None] | None = None,
) -> RebuildReport:
    started = time.perf_counter()
    factory = create_session_factory(engine)
    shadows = (shadow_of(INCIDENTS), shadow_of(SITES))
    report = RebuildReport()
    async with engine.connect() as guard:
        locked = await guard.scalar(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": REBUILD_LOCK}
        )
        await guard.commit()
        if not locked:
            raise RebuildBusy("another rebuild is running")
        try:
            async with engine.begin() as connection:
                for table in TABLES:
                    await create_shadow(connection, table.name)
            position = 0
            while True:
                async with factory.begin() as session:
                    last, read, unreadable = await _replay(
                        session, shadows, after=position, batch=batch_size
                    )
                if read == 0:
                    break
                position = last
                report.events += read
                report.unreadable += unreadable
                if progress is not None:
                    progress(report)
            async with engine.begin() as connection:
                for table in TABLES:
                    await index_shadow(connection, table.name)
            async with factory() as session:
                report.differing = await _differing(session)
                report.missing = await _missing(session)
            if report.missing and not (dry_run or allow_losing_rows):
                async with engine.begin() as connection:
                    for table in TABLES:
                        await drop_shadow(connection, table.name)
                raise RebuildWouldLoseRows(
                    f"{report.missing} incidents of the live list are not in the journal "
                    "and would vanish; nothing was swapped"
                )
            if dry_run:
                async with engine.begin() as connection:
                    for table in TABLES:
                        await drop_shadow(connection, table.name)
            else:
                await _swap(factory, shadows, position, report, swap_attempts, lock_timeout_ms)
            async with factory() as session:
                report.incidents = int(
                    await session.scalar(select(func.count()).select_from(INCIDENTS)) or 0
                )
                report.sites = int(
                    await session.scalar(select(func.count()).select_from(SITES)) or 0
                )
        finally:
            await guard.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": REBUILD_LOCK})
            await guard.commit()
    report.seconds = time.perf_counter() - started
    return report


# Lock timeout, deadlock: the swap gives way and tries again.
_RETRYABLE = frozenset({"55P03", "40P01"})


def _retryable(exc: DBAPIError) -> bool:
    return getattr(exc.orig, "sqlstate", None) in _RETRYABLE


async def _swap(
    factory: SessionFactory,
    shadows: tuple[Table, Table],
    position: int,
    report: RebuildReport,
    attempts: int,
    lock_timeout_ms: int,
) -> None:
    for attempt in range(1, attempts + 1):
        events = unreadable = 0
        try:
            async with factory.begin() as session:
                # Waiting longer would stall the readers queued behind the swap.
                await session.execute(text(f"SET LOCAL lock_timeout = {int(lock_timeout_ms)}"))
                await session.execute(
                    text(f"LOCK TABLE {INCIDENTS.name}, {SITES.name} IN EXCLUSIVE MODE")
                )
                caught_up = position
                while True:
                    caught_up, read, bad = await _replay(
                        session, shadows, after=caught_up, batch=5000
                    )
                    if read == 0:
                        break
                    events, unreadable = events + read, unreadable + bad
                await hold_feed_order(session)
                for table in TABLES:
                    await swap_in_shadow(session, table.name)
                await append_to_feeds(session, [], [rebuilt_entry()])
        except DBAPIError as exc:
            if not _retryable(exc) or attempt == attempts:
                raise
            log.warning("rebuild swap gave way to other work, retrying", attempt=attempt)
            await asyncio.sleep(min(0.2 * attempt, 2.0))
            continue
        report.events += events
        report.unreadable += unreadable
        report.swapped = True
        async with factory() as session:
            for table in TABLES:
                await session.execute(text(f"ANALYZE {table.name}"))
            await session.commit()
        return
