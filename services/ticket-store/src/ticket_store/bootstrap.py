"""The ticket store's composition root."""

from __future__ import annotations

from fastapi import FastAPI

from ticket_store.entrypoints.api import (
    assignment,
    comments,
    priority,
    queues,
    tickets,
    transitions,
)
from ticket_store.entrypoints.jobs_worker import TicketJobsWorker
from ticket_store.handlers.desk import Clock, Desk, utc_now
from ticket_store.handlers.registration import ticket_registration
from ticket_store.runtime import TicketStoreRuntime
from ticket_store.settings import TicketStoreSettings
from ticketing_common.events import IncidentDeclaredV1
from ticketing_common.messaging.consumer import EventRouter
from ticketing_common.messaging.topology import QUEUES
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import ServiceSettings
from ticketing_common.web.app import create_service_app


def build_desk(settings: TicketStoreSettings, clock: Clock = utc_now) -> Desk:
    return Desk(policy=settings.sla_policy, auto_close_after=settings.auto_close_after, clock=clock)


def event_router(desk: Desk) -> EventRouter:
    """What the ticket store's consumer does with each event it takes."""
    router = EventRouter()
    router.on_batch(IncidentDeclaredV1, ticket_registration(desk))
    return router


def build_runtime(settings: ServiceSettings, *, clock: Clock = utc_now) -> TicketStoreRuntime:
    if not isinstance(settings, TicketStoreSettings):
        raise TypeError("the ticket store needs TicketStoreSettings")
    runtime = TicketStoreRuntime(settings, build_desk(settings, clock))
    runtime.consume(QUEUES["ticket-store"], event_router(runtime.desk))
    runtime.add_worker(
        TicketJobsWorker(runtime.jobs, interval_seconds=settings.jobs_interval_seconds)
    )
    return runtime


def build_app(runtime: ServiceRuntime) -> FastAPI:
    if not isinstance(runtime, TicketStoreRuntime):
        raise TypeError("the ticket store's API needs a TicketStoreRuntime")
    return create_service_app(
        runtime,
        title="Ticket store",
        description="Tickets, their lifecycle, comments, assignment, SLA and history.",
        routers=[
            queues.router,
            tickets.router,
            transitions.router,
            comments.router,
            assignment.router,
            priority.router,
        ],
    )
