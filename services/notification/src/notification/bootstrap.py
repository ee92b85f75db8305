"""Notification's composition root: the API, the consumer and the sender are built
here, and only here."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI

from notification.adapters.smtp_transport import SmtpTransport
from notification.entrypoints.api import deliveries
from notification.entrypoints.sender import DeliverySender
from notification.handlers.context import EmailContext
from notification.handlers.events import on_events
from notification.handlers.sending import Sending
from notification.settings import NotificationSettings
from ticketing_common.db.engine import SessionFactory, asyncpg_dsn
from ticketing_common.events import IncidentDeclaredV1, TicketUpdatedV1
from ticketing_common.messaging.consumer import EventRouter
from ticketing_common.messaging.topology import QUEUES
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import ServiceSettings
from ticketing_common.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"
# Added to a batch's longest duration to make the claim's lease.
LEASE_MARGIN = timedelta(seconds=30)


def build_runtime(settings: ServiceSettings) -> ServiceRuntime:
    if not isinstance(settings, NotificationSettings):
        raise TypeError("notification needs NotificationSettings")
    runtime = ServiceRuntime(
        name="notification", settings=settings, migrations=MIGRATIONS, publishes=False
    )
    runtime.consume(QUEUES["notification"], event_router(email_context(settings)))
    runtime.add_worker(build_sender(settings, runtime))
    return runtime


def event_router(context: EmailContext) -> EventRouter:
    # One handler for both types: a batch's deliveries of each kind, and their
    # threads, are recorded in one statement (handlers/events.py).
    router = EventRouter()
    handle = on_events(context)
    router.on_batch(IncidentDeclaredV1, handle)
    router.on_batch(TicketUpdatedV1, handle)
    return router


def email_context(settings: NotificationSettings) -> EmailContext:
    return EmailContext(
        portal_base_url=settings.portal_base_url,
        message_id_domain=settings.sender.domain,
        auto_close_after=timedelta(days=settings.auto_close_days)
        if settings.auto_close_days is not None
        else None,
    )


def round_lease(batch_size: int, sessions: int, deadline_seconds: float) -> timedelta:
    """How long a round's claim lasts: its emails share the sessions, each session
    sending its share one after the other, each within the transport's deadline."""
    return timedelta(seconds=math.ceil(batch_size / sessions) * deadline_seconds) + LEASE_MARGIN


def build_sending(settings: NotificationSettings, session_factory: SessionFactory) -> Sending:
    transport = SmtpTransport(
        settings.smtp_endpoint,
        timeout_seconds=settings.smtp_timeout_seconds,
        max_connections=settings.smtp_max_connections,
    )
    batch_size = settings.delivery_batch_size
    return Sending(
        session_factory=session_factory,
        transport=transport,
        sender=settings.sender,
        policy=settings.retry_policy,
        batch_size=batch_size,
        lease=round_lease(batch_size, settings.smtp_max_connections, transport.deadline_seconds),
        hourly_limit=settings.delivery_limit_per_org_per_hour,
    )


def build_sender(settings: NotificationSettings, runtime: ServiceRuntime) -> DeliverySender:
    return DeliverySender(
        build_sending(settings, runtime.session_factory),
        dsn=asyncpg_dsn(settings.database_url),
        poll_seconds=settings.delivery_poll_seconds,
        gather_seconds=settings.delivery_gather_ms / 1000,
    )


def build_app(runtime: ServiceRuntime) -> FastAPI:
    return create_service_app(
        runtime,
        title="Notification",
        description="Email rendering and delivery, and the delivery log.",
        routers=[deliveries.router],
    )
