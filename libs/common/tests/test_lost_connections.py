"""No pre-ping, and still no failure for a connection the server closed (a restart):
the pool replaces it at checkout; one that dies unseen costs one retry of the work."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from ticketing_common.db.engine import (
    asyncpg_dsn,
    create_engine,
    create_session_factory,
    retry_once_if_connection_lost,
)


async def test_pooled_connections_the_server_closed_are_replaced_without_a_failure(
    messaging_database_url: str,
) -> None:
    engine = create_engine(messaging_database_url, pool_size=3, max_overflow=0)
    sessions = create_session_factory(engine)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    try:

        async def server_pid() -> int:
            async with sessions() as session:
                pid = int(await session.scalar(text("SELECT pg_backend_pid()")))
                await asyncio.sleep(0.05)  # hold it, so the three are distinct
                return pid

        pids = set(await asyncio.gather(*(server_pid() for _ in range(3))))
        assert len(pids) == 3
        # Every pooled connection dies, as in a server restart.
        killer = await asyncpg.connect(asyncpg_dsn(messaging_database_url))
        try:
            for pid in pids:
                await killer.execute("SELECT pg_terminate_backend($1)", pid)
        finally:
            await killer.close()
        await asyncio.sleep(0.2)
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        # Each transaction works at once: none of them pays for the dead connections.
        answers = await asyncio.gather(*(server_pid() for _ in range(3)))
        assert not set(answers) & pids
        # And no statement was spent checking a connection (no pre-ping).
        assert statements == ["SELECT pg_backend_pid()"] * 3
    finally:
        await engine.dispose()


async def test_work_whose_connection_proved_dead_runs_once_more() -> None:
    runs = 0

    async def work() -> str:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise DBAPIError("SELECT 1", {}, ConnectionResetError(), connection_invalidated=True)
        return "done"

    assert await retry_once_if_connection_lost(work) == "done"
    assert runs == 2


async def test_a_second_loss_or_any_other_error_is_not_retried() -> None:
    runs = 0

    async def lost_twice() -> None:
        nonlocal runs
        runs += 1
        raise DBAPIError("SELECT 1", {}, ConnectionResetError(), connection_invalidated=True)

    with pytest.raises(DBAPIError):
        await retry_once_if_connection_lost(lost_twice)
    assert runs == 2

    runs = 0

    async def wrong() -> None:
        nonlocal runs
        runs += 1
        raise DBAPIError("SELECT x", {}, ValueError("syntax"))

    with pytest.raises(DBAPIError):
        await retry_once_if_connection_lost(wrong)
    assert runs == 1
