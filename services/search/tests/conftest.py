"""Search under test: a migrated database for the handlers, and the whole service
(database, broker, consumer) running in-process for the API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from search.bootstrap import MIGRATIONS, build_app, build_runtime, event_router
from search.settings import SearchSettings
from ticketing_common.auth.issuer import issue_token
from ticketing_common.db.engine import SessionFactory, create_engine, create_session_factory
from ticketing_common.db.migrations import upgrade_to_head_async
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import DEVELOPMENT_JWT_SECRET
from ticketing_devkit.pytest_plugin import MakeDatabase, MakeVhost

from .factories import AnyEvent
from .live import serving


@pytest.fixture(scope="session")
async def session_factory(make_database: MakeDatabase) -> AsyncIterator[SessionFactory]:
    """Sessions over a migrated database of the handler tests alone."""
    url = await make_database("search_handlers")
    await upgrade_to_head_async(MIGRATIONS, url)
    engine = create_engine(url, pool_size=5)
    yield create_session_factory(engine)
    await engine.dispose()


async def apply_events(factory: SessionFactory, events: Iterable[AnyEvent]) -> None:
    """Apply each event in its own transaction, through the service's own router."""
    router = event_router()
    for event in events:
        route = router.route_for(event.type)
        assert route is not None, event.type
        async with factory.begin() as session:
            await route.handler(session, event)


class SettableClock:
    """The service's clock, set by a test rather than waited for."""

    def __init__(self) -> None:
        self.now: datetime | None = None

    def __call__(self) -> datetime:
        return self.now or datetime.now(UTC)


@dataclass(frozen=True)
class Search:
    client: httpx.AsyncClient
    runtime: ServiceRuntime
    app: FastAPI
    clock: SettableClock

    async def apply(self, *events: AnyEvent) -> None:
        await apply_events(self.runtime.session_factory, events)


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    # The real lifespan: waits for the database and broker, migrates, declares the
    # topology and starts the consumer.
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://search") as client:
            yield client


@pytest.fixture(scope="session")
async def search(make_database: MakeDatabase, make_vhost: MakeVhost) -> AsyncIterator[Search]:
    settings = SearchSettings(
        environment="test",
        database_url=await make_database("search_api"),
        amqp_url=make_vhost("search"),
        # Short, so the heartbeat test sees one soon.
        stream_heartbeat_seconds=0.5,
    )
    runtime = build_runtime(settings)
    clock = SettableClock()
    app = build_app(runtime, clock=clock)
    async with running(app) as client:
        yield Search(client, runtime, app, clock)


@pytest.fixture(scope="session")
async def search_url(search: Search) -> AsyncIterator[str]:
    """The same service, served over real HTTP for its streams."""
    async with serving(search.app) as url:
        yield url


@pytest.fixture
def clock(search: Search) -> Iterator[SettableClock]:
    """The service's clock for one test, back to the real time afterwards."""
    yield search.clock
    search.clock.now = None


def token(
    *,
    roles: Iterable[str],
    org: str | None = None,
    perimeter: Iterable[str] | None = None,
    sub: str = "u-test",
) -> dict[str, str]:
    issued = issue_token(
        secret=DEVELOPMENT_JWT_SECRET,
        sub=sub,
        name="Test User",
        org=org,
        roles=roles,
        perimeter=perimeter,
    )
    return {"Authorization": f"Bearer {issued}"}
