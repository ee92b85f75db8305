"""The ticket store's composition root."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from ticket_store.entrypoints.api import tickets
from ticket_store.handlers.registration import register_ticket
from ticketing_common.events import IncidentDeclaredV1
from ticketing_common.messaging.consumer import EventRouter
from ticketing_common.messaging.topology import QUEUES
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import ServiceSettings
from ticketing_common.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: ServiceSettings) -> ServiceRuntime:
    runtime = ServiceRuntime(name="ticket-store", settings=settings, migrations=MIGRATIONS)
    router = EventRouter()
    router.on(IncidentDeclaredV1, register_ticket)
    runtime.consume(QUEUES["ticket-store"], router)
    return runtime


def build_app(runtime: ServiceRuntime) -> FastAPI:
    return create_service_app(
        runtime,
        title="Ticket store",
        description="Tickets, their lifecycle, comments and history.",
        routers=[tickets.router],
    )
