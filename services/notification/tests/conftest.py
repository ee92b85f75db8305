"""Notification's tests run against a database and a virtual host of their own, and
real SMTP servers (the devkit's mail catcher, or aiosmtpd with a chosen answer)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text

from notification.bootstrap import MIGRATIONS, build_app, build_runtime
from ticketing_common.db.engine import SessionFactory, create_engine, create_session_factory
from ticketing_common.db.migrations import upgrade_to_head_async
from ticketing_devkit.mailcatcher import MailCatcher
from ticketing_devkit.pytest_plugin import MakeDatabase, MakeVhost

from .factories import settings
from .service import Service


@pytest.fixture(scope="session")
async def database_url(make_database: MakeDatabase) -> str:
    url = await make_database("notification")
    await upgrade_to_head_async(MIGRATIONS, url)
    return url


@pytest.fixture(scope="session")
async def engine_sessions(database_url: str) -> AsyncIterator[SessionFactory]:
    engine = create_engine(database_url, pool_size=5)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture
async def session_factory(engine_sessions: SessionFactory) -> SessionFactory:
    """The test database, emptied: a sender claims every due delivery it finds, so
    no test may leave one behind for the next."""
    async with engine_sessions.begin() as session:
        await session.execute(
            text("TRUNCATE deliveries, threads, tickets, inbox, outbox RESTART IDENTITY")
        )
    return engine_sessions


@pytest.fixture(scope="session")
def amqp_url(make_vhost: MakeVhost) -> str:
    return make_vhost("notification")


@pytest.fixture
async def service(
    session_factory: SessionFactory, database_url: str, amqp_url: str, mail_catcher: MailCatcher
) -> AsyncIterator[Service]:
    runtime = build_runtime(settings(database_url, amqp_url=amqp_url, smtp_url=mail_catcher.url))
    app = build_app(runtime)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://notification") as client:
            yield Service(client, runtime)
