"""Search's composition root: the API and the consumer are built here, and only here."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from search.entrypoints.api import incidents
from search.handlers.incidents import on_incident_declared, on_ticket_updated
from ticketing_common.events import IncidentDeclaredV1, TicketUpdatedV1
from ticketing_common.messaging.consumer import EventRouter
from ticketing_common.messaging.topology import QUEUES
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import ServiceSettings
from ticketing_common.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


def event_router() -> EventRouter:
    # Every type bound to the queue needs a handler, or its messages are dead-lettered.
    router = EventRouter()
    router.on(IncidentDeclaredV1, on_incident_declared)
    router.on(TicketUpdatedV1, on_ticket_updated)
    return router


def build_runtime(settings: ServiceSettings) -> ServiceRuntime:
    runtime = ServiceRuntime(
        name="search", settings=settings, migrations=MIGRATIONS, publishes=False
    )
    runtime.consume(QUEUES["search"], event_router())
    return runtime


def build_app(runtime: ServiceRuntime) -> FastAPI:
    return create_service_app(
        runtime,
        title="Search",
        description="The customers' incident lists and the dashboard's figures.",
        routers=[incidents.router],
    )
