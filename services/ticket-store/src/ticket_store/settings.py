"""The ticket store's settings."""

from __future__ import annotations

from ticketing_common.settings import ServiceSettings


class TicketStoreSettings(ServiceSettings):
    service_name: str = "ticket-store"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/tickets"
    http_port: int = 8002


def load_settings() -> TicketStoreSettings:
    return TicketStoreSettings()
