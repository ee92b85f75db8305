"""The composition root's engine room: what every service starts and stops the same way.

A service's ``bootstrap`` builds a ``ServiceRuntime``, registers what it consumes and
its background workers, and hands it to the API or to the worker entrypoint. Start-up
waits for the database and the broker with backoff, applies the migrations, declares
the topology, then starts the relay, the consumer and the workers; shutdown takes no
new work, finishes what is in hand, and closes.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from aio_pika.abc import AbstractRobustConnection
from sqlalchemy import text
from tenacity import AsyncRetrying, retry_if_exception, stop_after_delay, wait_exponential

from ticketing_common.db.engine import (
    SessionFactory,
    asyncpg_dsn,
    create_autocommit_session_factory,
    create_engine,
    create_session_factory,
)
from ticketing_common.db.errors import is_transient_database_error
from ticketing_common.db.migrations import upgrade_to_head_async
from ticketing_common.db.unit_of_work import UnitOfWork
from ticketing_common.logging import get_logger
from ticketing_common.messaging.connection import connect_broker
from ticketing_common.messaging.consumer import EventConsumer, EventRouter
from ticketing_common.messaging.publisher import ConfirmedPublisher
from ticketing_common.messaging.queue_monitor import QueueMonitor
from ticketing_common.messaging.topology import QueueSpec, declare_topology
from ticketing_common.outbox.relay import OutboxRelay
from ticketing_common.settings import ServiceSettings

log = get_logger(__name__)


class BackgroundWorker(Protocol):
    def start(self) -> None: ...

    async def stop(self, timeout: float = 30.0) -> None: ...


class ServiceRuntime:
    def __init__(
        self,
        *,
        name: str,
        settings: ServiceSettings,
        migrations: Path,
        publishes: bool = True,
        startup_wait_seconds: float = 120.0,
    ) -> None:
        self.name = name
        # A service that emits no event needs no outbox relay.
        self._publishes = publishes
        self.settings = settings
        self._migrations = migrations
        self._startup_wait = startup_wait_seconds
        self.engine = create_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
        self.session_factory: SessionFactory = create_session_factory(self.engine)
        self.autocommit_session_factory: SessionFactory = create_autocommit_session_factory(
            self.engine
        )
        self.connection: AbstractRobustConnection | None = None
        self._subscriptions: list[tuple[QueueSpec, EventRouter]] = []
        self._workers: list[BackgroundWorker] = []
        self._consumers: list[EventConsumer] = []
        self._relay: OutboxRelay | None = None
        self._publisher: ConfirmedPublisher | None = None
        self._running_workers: list[BackgroundWorker] = []
        self._queue_monitor: QueueMonitor | None = None

    def consume(self, spec: QueueSpec, router: EventRouter) -> None:
        self._subscriptions.append((spec, router))

    def add_worker(self, worker: BackgroundWorker) -> None:
        self._workers.append(worker)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    @property
    def subscriptions(self) -> tuple[tuple[QueueSpec, EventRouter], ...]:
        """Each queue this service consumes, with the router that applies its events."""
        return tuple(self._subscriptions)

    @property
    def consumed_queues(self) -> tuple[QueueSpec, ...]:
        """The queues this service consumes (and so the dead-letter queues it owns)."""
        return tuple(spec for spec, _router in self._subscriptions)

    @property
    def relay(self) -> OutboxRelay | None:
        return self._relay

    async def wait_for_database(self) -> None:
        async for attempt in AsyncRetrying(
            retry=retry_if_exception(is_transient_database_error),
            wait=wait_exponential(multiplier=0.2, max=5),
            stop=stop_after_delay(self._startup_wait),
            reraise=True,
            before_sleep=lambda state: log.warning(
                "database not answering yet", attempt=state.attempt_number
            ),
        ):
            with attempt:
                async with self.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))

    async def migrate(self) -> None:
        await self.wait_for_database()
        await upgrade_to_head_async(self._migrations, self.settings.database_url)
        log.info("migrations applied")

    async def start(self, *, workers: bool = True) -> None:
        await self.migrate()
        self.connection = await connect_broker(
            self.settings.amqp_url, connection_name=self.name, wait_seconds=self._startup_wait
        )
        channel = await self.connection.channel()
        await declare_topology(channel)
        await channel.close()
        if self._subscriptions:
            self._queue_monitor = QueueMonitor(
                self.settings.amqp_url,
                self.consumed_queues,
                interval_seconds=self.settings.queue_metrics_seconds,
                connection_name=f"{self.name}-queue-monitor",
            )
            self._queue_monitor.start()
        if not workers:
            log.info("started without workers")
            return
        if self._publishes:
            self._publisher = ConfirmedPublisher(self.connection)
            self._relay = OutboxRelay(
                session_factory=self.session_factory,
                publisher=self._publisher,
                dsn=asyncpg_dsn(self.settings.database_url),
                batch_size=self.settings.outbox_batch_size,
                poll_seconds=self.settings.outbox_poll_seconds,
                gather_seconds=self.settings.outbox_gather_ms / 1000,
                retention=timedelta(hours=self.settings.outbox_retention_hours),
            )
            self._relay.start()
        for worker in self._workers:
            worker.start()
            self._running_workers.append(worker)
        for spec, router in self._subscriptions:
            consumer = EventConsumer(
                connection=self.connection,
                spec=spec,
                router=router,
                session_factory=self.session_factory,
                prefetch=self.settings.amqp_prefetch,
                # The pool's overflow stays for the API, the relay and the workers.
                concurrency=self.settings.db_pool_size,
                max_attempts=self.settings.handler_max_attempts,
                batch_size=self.settings.consumer_batch_size,
                batch_wait_seconds=self.settings.consumer_batch_wait_ms / 1000,
            )
            await consumer.start()
            self._consumers.append(consumer)
        log.info("started", consumers=[c.queue_name for c in self._consumers])

    async def stop(self, timeout: float = 30.0) -> None:
        for consumer in self._consumers:
            await consumer.stop(timeout)
        self._consumers.clear()
        if self._queue_monitor is not None:
            await self._queue_monitor.stop(timeout)
            self._queue_monitor = None
        for worker in reversed(self._running_workers):
            await worker.stop(timeout)
        self._running_workers.clear()
        if self._relay is not None:
            await self._relay.stop(timeout)
            self._relay = None
        if self._publisher is not None:
            await self._publisher.close()
            self._publisher = None
        if self.connection is not None:
            await self.connection.close()
            self.connection = None
        await self.engine.dispose()
        log.info("stopped")

    async def readiness(self) -> list[str]:
        """Reasons the service is not ready; empty when it is."""
        reasons: list[str] = []
        try:
            async with asyncio.timeout(2.0):
                async with self.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except Exception as exc:
            reasons.append(f"database unreachable: {type(exc).__name__}")
        # A robust connection is not closed while it reconnects: it is not connected.
        if (
            self.connection is None
            or self.connection.is_closed
            or not self.connection.connected.is_set()
        ):
            reasons.append("broker unreachable")
        return reasons
