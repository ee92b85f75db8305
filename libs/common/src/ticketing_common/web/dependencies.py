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
    """A session for reading; nothing it does is committed."""
    async with runtime.session_factory() as session:
        yield session


ReadSession = Annotated[AsyncSession, Depends(get_read_session)]
