"""The async SQLAlchemy engine and session factory of a service.

No pre-ping: it cost a round trip on every transaction of every service. A connection
the server closed (a restart) is known to asyncpg without asking the server, since its
socket saw the close: such a connection is refused at checkout and replaced, for free.
One that dies unseen fails its first statement; SQLAlchemy then invalidates the whole
pool, and the work is retried once (``retry_once_if_connection_lost``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from ticketing_common.logging import get_logger

log = get_logger(__name__)

SessionFactory = async_sessionmaker[AsyncSession]

T = TypeVar("T")


def create_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> AsyncEngine:
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=False,
        # A connection that dies while the server restarts is replaced, not reused.
        pool_recycle=1800,
    )
    event.listen(engine.sync_engine, "checkout", _refuse_a_closed_connection)
    return engine


def _refuse_a_closed_connection(dbapi_connection: Any, _record: object, _proxy: object) -> None:
    """Checkout: a connection whose socket the server closed is replaced (the pool tries
    another on ``DisconnectionError``), without a round trip to find out."""
    driver = getattr(dbapi_connection, "driver_connection", None)
    is_closed = getattr(driver, "is_closed", None)
    if is_closed is not None and is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def connection_was_lost(exc: BaseException) -> bool:
    """True when ``exc`` is a statement that failed because its connection was dead."""
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


async def retry_once_if_connection_lost(work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` (a whole transaction); once more if its connection proved dead.

    The failed statement made SQLAlchemy invalidate the pool's connections, so the
    second run gets fresh ones. A second failure is the database really being away.
    """
    try:
        return await work()
    except DBAPIError as exc:
        if not connection_was_lost(exc):
            raise
        log.info("database connection lost; the transaction runs again", error=str(exc)[:200])
    return await work()


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def create_autocommit_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions whose statements each commit on their own (autocommit): for reads, and
    for work done in one statement. A transaction would cost two more round trips, its
    ``BEGIN`` and its ``COMMIT`` or ``ROLLBACK``, and under READ COMMITTED each statement
    sees a snapshot of its own either way."""
    return async_sessionmaker(
        engine.execution_options(isolation_level="AUTOCOMMIT"),
        expire_on_commit=False,
        autoflush=False,
    )


def asyncpg_dsn(url: str) -> str:
    """The same database as a plain ``postgresql://`` DSN, for raw asyncpg connections."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)
