"""PostgreSQL: commits a second of one insert each, at the services' concurrency.

The insert is shaped like intake's: a text primary key and a JSON document the size
of an ``incident.declared`` event, one transaction per row, committed with the
server's own durability settings (``synchronous_commit`` as configured). The
concurrency is a service's connection pool (``DB_POOL_SIZE``, 10).

Measured twice: with plain asyncpg (the machine's limit), and through the services'
own engine and session factory (``ticketing_common.db.engine``: SQLAlchemy's async
session and its pool), the layer every service's transaction pays for.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import asyncpg
from sqlalchemy import text

from bench.limits import LimitResult
from bench.stats import Distribution
from ticketing_common.db.engine import create_engine, create_session_factory

TABLE = """
CREATE TABLE IF NOT EXISTS bench_commits (
    id varchar(100) PRIMARY KEY,
    body jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""


def event_sized_document(size: int = 1500) -> str:
    document = {"declaration_id": str(uuid.uuid4()), "description": "x" * size}
    return json.dumps(document)


async def measure_commits(dsn: str, *, concurrency: int, seconds: float) -> LimitResult:
    pool = await asyncpg.create_pool(dsn, min_size=concurrency, max_size=concurrency)
    assert pool is not None
    try:
        async with pool.acquire() as connection:
            await connection.execute(TABLE)
            setting = await connection.fetchval("SHOW synchronous_commit")
        body = event_sized_document()
        latencies: list[float] = []
        deadline = time.monotonic() + seconds

        async def worker() -> None:
            async with pool.acquire() as connection:
                statement = await connection.prepare(
                    "INSERT INTO bench_commits (id, body) VALUES ($1, $2::jsonb)"
                )
                while time.monotonic() < deadline:
                    started = time.monotonic()
                    await statement.fetch(str(uuid.uuid4()), body)
                    latencies.append(time.monotonic() - started)

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - began
    finally:
        await pool.close()
    return LimitResult(
        name="PostgreSQL commits",
        rate=len(latencies) / elapsed,
        latency=Distribution.of(latencies),
        setting=f"{concurrency} connections, one insert per transaction, "
        f"synchronous_commit={setting}",
    )


async def measure_commits_through_the_services_engine(
    database_url: str, *, concurrency: int, seconds: float
) -> LimitResult:
    """The same insert, through ``ticketing_common.db.engine`` as the services use it."""
    engine = create_engine(database_url, pool_size=concurrency, max_overflow=0)
    sessions = create_session_factory(engine)
    insert = text("INSERT INTO bench_commits (id, body) VALUES (:id, CAST(:body AS jsonb))")
    try:
        async with engine.begin() as connection:
            await connection.execute(text(TABLE))
        body = event_sized_document()
        latencies: list[float] = []
        deadline = time.monotonic() + seconds

        async def worker() -> None:
            while time.monotonic() < deadline:
                started = time.monotonic()
                async with sessions.begin() as session:
                    await session.execute(insert, {"id": str(uuid.uuid4()), "body": body})
                latencies.append(time.monotonic() - started)

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - began
    finally:
        await engine.dispose()
    return LimitResult(
        name="PostgreSQL commits through the services' engine",
        rate=len(latencies) / elapsed,
        latency=Distribution.of(latencies),
        setting=f"{concurrency} sessions of ticketing_common.db.engine (SQLAlchemy async, "
        "its pool, no pre-ping), one insert per transaction",
    )
