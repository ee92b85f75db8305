"""Search's composition root: the API, the consumer and the feeds are built here, and
only here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters import change_log, journal
from search.entrypoints.api import incident_stream, incidents
from search.entrypoints.api import journal as journal_api
from search.handlers.events import on_events
from search.services import Clock, SearchServices, utc_now
from search.settings import SearchSettings
from search.streaming.feed import Feed
from ticketing_common.db.engine import asyncpg_dsn
from ticketing_common.messaging.consumer import EventRouter
from ticketing_common.messaging.topology import QUEUES
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import ServiceSettings
from ticketing_common.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


def event_router() -> EventRouter:
    # Search's queue is bound to every routing key: every type is journaled, and those
    # the list is made from are projected (handlers/events.py), a run of events at once.
    router = EventRouter()
    router.on_any_batch(on_events)
    return router


def build_runtime(settings: ServiceSettings) -> ServiceRuntime:
    runtime = ServiceRuntime(
        name="search", settings=settings, migrations=MIGRATIONS, publishes=False
    )
    runtime.consume(QUEUES["search"], event_router())
    return runtime


def search_settings(runtime: ServiceRuntime) -> SearchSettings:
    settings = runtime.settings
    if isinstance(settings, SearchSettings):
        return settings
    return SearchSettings(**settings.model_dump())


def build_feeds(runtime: ServiceRuntime, settings: SearchSettings) -> list[Feed]:
    dsn = asyncpg_dsn(settings.database_url)
    retention = timedelta(hours=settings.change_log_retention_hours)

    async def purge(session: AsyncSession) -> None:
        # Retention is about real time, not the clock the API's "recent" reads.
        await change_log.purge_changes(session, utc_now() - retention)

    incident_feed = Feed(
        name="incidents",
        session_factory=runtime.session_factory,
        dsn=dsn,
        channel=change_log.CHANNEL,
        id_column="id",
        read_after=change_log.changes_after,
        head=change_log.last_change_id,
        purged_through=change_log.purged_through,
        maintenance=purge,
        buffer=settings.stream_buffer,
        poll_seconds=settings.feed_poll_seconds,
        gather_seconds=settings.feed_gather_ms / 1000,
    )
    journal_feed = Feed(
        name="journal",
        session_factory=runtime.session_factory,
        dsn=dsn,
        channel=journal.CHANNEL,
        id_column="seq",
        read_after=journal.journal_after,
        head=journal.last_journal_seq,
        buffer=settings.stream_buffer,
        poll_seconds=settings.feed_poll_seconds,
        gather_seconds=settings.feed_gather_ms / 1000,
    )
    return [incident_feed, journal_feed]


def build_app(runtime: ServiceRuntime, *, clock: Clock = utc_now) -> FastAPI:
    settings = search_settings(runtime)
    incident_feed, journal_feed = build_feeds(runtime, settings)
    app = create_service_app(
        runtime,
        title="Search",
        description="The customers' incident lists, the dashboard's figures, their live "
        "stream, and the journal of every event for operations.",
        routers=[incident_stream.router, incidents.router, journal_api.router],
    )
    app.state.search = SearchServices(
        settings=settings,
        clock=clock,
        incident_feed=incident_feed,
        journal_feed=journal_feed,
    )
    # The feeds belong to the API (streams are served there, with or without the
    # consumer in the same process): they start after the runtime, and stop before it.
    runtime_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        async with runtime_lifespan(application):
            for feed in (incident_feed, journal_feed):
                feed.start()
            try:
                yield
            finally:
                for feed in (incident_feed, journal_feed):
                    await feed.stop()

    app.router.lifespan_context = lifespan
    return app
