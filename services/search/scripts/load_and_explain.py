"""Fill a search database the way production fills it, and explain its main queries.

    .venv/bin/python services/search/scripts/load_and_explain.py --output /tmp/plans.md
    .venv/bin/python services/search/scripts/load_and_explain.py --explain-only

The evidence behind docs/search.md: which indexes the list, the search, the summary
and the journal use at a million incidents, and how long a rebuild of that many takes.
The history goes into the journal as events (``scale_history.py``), then ``search
rebuild`` projects it, as it would in production. (``bench/search_loader.py`` fills
the read model directly instead, for the benchmarks.)

The database (``search_scale`` on the local server by default) belongs to this script:
it is created when missing, ``--drop`` starts it afresh, ``--drop-only`` removes it.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import asyncpg
from explain_plans import explain_all  # type: ignore[import-not-found]
from scale_history import load_journal  # type: ignore[import-not-found]
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from search.bootstrap import MIGRATIONS
from search.handlers.rebuild import RebuildReport, rebuild_read_model
from ticketing_common.db.engine import asyncpg_dsn
from ticketing_common.db.migrations import upgrade_to_head_async

DEFAULT_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/search_scale"


async def _database(url: str, *, create: bool, drop: bool) -> None:
    dsn = asyncpg_dsn(url)
    server, name = dsn.rsplit("/", 1)
    admin = await asyncpg.connect(f"{server}/postgres")
    try:
        if drop:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if create and not exists:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


def _progress(started: float) -> Callable[[RebuildReport], None]:
    shown = [0]

    def show(report: RebuildReport) -> None:
        if report.events - shown[0] >= 250_000:
            shown[0] = report.events
            print(f"  rebuild: {report.events} events, {time.perf_counter() - started:.0f} s")

    return show


async def run(args: argparse.Namespace) -> str:
    """The plans, after loading unless told only to explain."""
    if not args.explain_only:
        await _database(args.database_url, create=True, drop=args.drop)
        await upgrade_to_head_async(MIGRATIONS, args.database_url)
        await load_journal(args.database_url, args.incidents, args.organizations, args.seed)
    engine = create_async_engine(args.database_url)
    try:
        if not args.explain_only:
            started = time.perf_counter()
            report = await rebuild_read_model(engine, progress=_progress(started))
            print(
                f"rebuild: {report.incidents} incidents, {report.sites} sites from "
                f"{report.events} events in {report.seconds:.0f} s"
            )
            async with engine.connect() as connection:
                autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await autocommit.execute(text("VACUUM (ANALYZE) incidents"))
                await autocommit.execute(text("VACUUM (ANALYZE) event_journal"))
        plans: str = await explain_all(engine)
    finally:
        await engine.dispose()
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--drop", action="store_true", help="start from an empty database")
    parser.add_argument("--drop-only", action="store_true", help="remove the database")
    parser.add_argument("--explain-only", action="store_true", help="explain a loaded database")
    parser.add_argument("--output", help="write the plans (Markdown) to this file")
    args = parser.parse_args()
    if args.drop_only:
        asyncio.run(_database(args.database_url, create=False, drop=True))
        return
    plans = asyncio.run(run(args))
    if args.output:
        Path(args.output).write_text(plans, encoding="utf-8")
        print(f"plans written to {args.output}")
    else:
        print(plans)


if __name__ == "__main__":
    main()
