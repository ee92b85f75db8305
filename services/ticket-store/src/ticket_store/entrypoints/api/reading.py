"""The connection a read runs on: pooled, outside any transaction.

A session's transaction costs a read two more round trips, its ``BEGIN`` and its
``ROLLBACK``, for one statement that sees a consistent snapshot on its own. In
autocommit the driver sends the statement alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncConnection

from ticket_store.entrypoints.api.changes import Store


async def _read_connection(store: Store) -> AsyncIterator[AsyncConnection]:
    async with store.engine.connect() as connection:
        # Set on this checkout only (no round trip); the pool restores the default.
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        yield connection


ReadConnection = Annotated[AsyncConnection, Depends(_read_connection)]
