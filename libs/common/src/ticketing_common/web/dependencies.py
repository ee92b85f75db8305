"""FastAPI dependencies every service uses: its runtime and a database session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.runtime import ServiceRuntime


async def get_runtime(request: Request) -> ServiceRuntime:
    # async, though it awaits nothing: FastAPI runs a plain ``def`` dependency in its
    # thread pool, a hand-off to a worker thread and back on every request (a fifth of
    # a bare request's CPU, see bench/RESULTS.md) for what is one attribute read.
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


Runtime = Annotated[ServiceRuntime, Depends(get_runtime)]


async def get_read_session(runtime: Runtime) -> AsyncIterator[AsyncSession]:
    """A session for reading, each statement on its own (autocommit): no ``BEGIN`` or
    ``ROLLBACK`` round trips. Whatever writes must use a unit of work instead."""
    async with runtime.autocommit_session_factory() as session:
        yield session


ReadSession = Annotated[AsyncSession, Depends(get_read_session)]


async def get_read_transaction(runtime: Runtime) -> AsyncIterator[AsyncSession]:
    """A session for reading in one transaction, rolled back at the end: for reads that
    need ``SET LOCAL`` settings or several statements on one snapshot. Two more round
    trips than ``ReadSession``."""
    async with runtime.session_factory() as session:
        yield session


ReadTransaction = Annotated[AsyncSession, Depends(get_read_transaction)]
