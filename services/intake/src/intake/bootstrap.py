"""Intake's composition root: the API and the workers are built here, and only here."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from intake.entrypoints.api import catalog_admin, catalog_lists, declarations, reference
from intake.handlers.declarations import record_ticket_number
from ticketing_common.events import TicketUpdatedV1
from ticketing_common.messaging.consumer import EventRouter
from ticketing_common.messaging.topology import QUEUES
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import ServiceSettings
from ticketing_common.web.app import create_service_app

MIGRATIONS = Path(__file__).parent / "migrations"


def build_runtime(settings: ServiceSettings) -> ServiceRuntime:
    runtime = ServiceRuntime(name="intake", settings=settings, migrations=MIGRATIONS)
    router = EventRouter()
    router.on(TicketUpdatedV1, record_ticket_number)
    runtime.consume(QUEUES["intake"], router)
    return runtime


def build_app(runtime: ServiceRuntime) -> FastAPI:
    return create_service_app(
        runtime,
        title="Intake",
        description="The customer catalog and incident declarations.",
        routers=[
            declarations.router,
            catalog_lists.router,
            reference.router,
            catalog_admin.router,
        ],
    )
