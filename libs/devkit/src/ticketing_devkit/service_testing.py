"""Run a service's FastAPI app in-process for tests: lifespan started, httpx client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from ticketing_common.runtime import ServiceRuntime
from ticketing_devkit.demo import demo_user


@asynccontextmanager
async def running_app(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Start the app's lifespan (database, migrations, broker, workers) and serve it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class ServiceUnderTest:
    """A service running in-process: its HTTP client and its runtime (database)."""

    client: httpx.AsyncClient
    runtime: ServiceRuntime


def auth_as(demo_key: str) -> dict[str, str]:
    """The Authorization header of a demo user (see ``ticketing_devkit.demo``)."""
    return bearer(demo_user(demo_key).token())
