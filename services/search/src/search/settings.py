"""Search's settings."""

from __future__ import annotations

from ticketing_common.settings import ServiceSettings


class SearchSettings(ServiceSettings):
    service_name: str = "search"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/search"
    http_port: int = 8004


def load_settings() -> SearchSettings:
    return SearchSettings()
