"""Intake's settings."""

from __future__ import annotations

from pydantic import Field

from ticketing_common.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    service_name: str = "intake"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/intake"
    http_port: int = 8001
    # How far in the future an incident's time may be (clock skew), and how far back.
    occurred_at_skew_minutes: int = Field(default=5, ge=0)
    occurred_at_max_age_days: int = Field(default=365, ge=1)


def load_settings() -> IntakeSettings:
    return IntakeSettings()
