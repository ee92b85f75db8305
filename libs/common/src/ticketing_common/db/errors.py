"""Tell a database that is away from a query that is wrong."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout


def is_transient_database_error(exc: BaseException) -> bool:
    """True when the database is unreachable or restarting, or every connection of the
    pool is busy: retrying later will help."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        return is_transient_database_error(exc.orig)
    cause = exc.__cause__
    if isinstance(
        exc,
        (
            ConnectionError,
            OSError,
            asyncio.TimeoutError,
            asyncpg.PostgresConnectionError,
            asyncpg.CannotConnectNowError,
            asyncpg.InterfaceError,
            asyncpg.exceptions.AdminShutdownError,
            asyncpg.exceptions.CrashShutdownError,
            asyncpg.exceptions.TooManyConnectionsError,
        ),
    ):
        return True
    return cause is not None and cause is not exc and is_transient_database_error(cause)
