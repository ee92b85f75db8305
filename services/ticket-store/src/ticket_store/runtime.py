"""The common service runtime, with what the ticket store adds to it."""

from __future__ import annotations

from pathlib import Path

from ticket_store.handlers.desk import Desk
from ticket_store.handlers.ticket_jobs import TicketJobs
from ticket_store.settings import TicketStoreSettings
from ticketing_common.runtime import ServiceRuntime

MIGRATIONS = Path(__file__).parent / "migrations"


class TicketStoreRuntime(ServiceRuntime):
    """The runtime, with the ticket store's settings, working rules and jobs."""

    def __init__(self, settings: TicketStoreSettings, desk: Desk) -> None:
        super().__init__(name="ticket-store", settings=settings, migrations=MIGRATIONS)
        self.store_settings = settings
        self.desk = desk
        self.jobs = TicketJobs(self.session_factory, desk, batch_size=settings.jobs_batch_size)
