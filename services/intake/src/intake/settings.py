"""Intake's settings."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from intake.domain.attachment_types import ATTACHMENT_TYPES
from ticketing_common.settings import ServiceSettings

MEGABYTE = 1024 * 1024


class IntakeSettings(ServiceSettings):
    service_name: str = "intake"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/intake"
    http_port: int = 8001
    # How far in the future an incident's time may be (clock skew), and how far back.
    occurred_at_skew_minutes: int = Field(default=5, ge=0)
    occurred_at_max_age_days: int = Field(default=365, ge=1)

    # Per user: declarations and uploads a minute on average, and the burst allowed.
    rate_limit_declarations_per_minute: float = Field(default=30.0, gt=0)
    rate_limit_declarations_burst: int = Field(default=10, ge=1)
    rate_limit_uploads_per_minute: float = Field(default=60.0, gt=0)
    rate_limit_uploads_burst: int = Field(default=20, ge=1)

    # Where uploaded files are kept (ATTACHMENTS_DIR); relative paths are taken from the
    # working directory, as `make run` starts the services from the repository root.
    attachments_dir: Path = Path("var/attachments")
    # The largest file one upload may carry (ATTACHMENTS_MAX_BYTES), enforced while it streams.
    attachments_max_bytes: int = Field(default=20 * MEGABYTE, ge=1, le=1024 * MEGABYTE)
    # The media types accepted, as found in the content (ATTACHMENTS_ALLOWED_TYPES, JSON list).
    attachments_allowed_types: frozenset[str] = frozenset(ATTACHMENT_TYPES)
    # An upload no declaration names within this time is removed (it was abandoned).
    attachments_unlinked_ttl_hours: float = Field(default=24.0, gt=0)
    # How often the background pass looks for abandoned uploads.
    attachments_cleanup_interval_seconds: float = Field(default=600.0, gt=0)

    @field_validator("attachments_allowed_types")
    @classmethod
    def _known_types(cls, value: frozenset[str]) -> frozenset[str]:
        unknown = sorted(value - set(ATTACHMENT_TYPES))
        if unknown:
            raise ValueError(f"unknown types {unknown}; choose among {sorted(ATTACHMENT_TYPES)}")
        if not value:
            raise ValueError("allow at least one type")
        return value


def load_settings() -> IntakeSettings:
    return IntakeSettings()


def intake_settings(settings: ServiceSettings) -> IntakeSettings:
    """The settings the composition root was given, as intake's own."""
    if not isinstance(settings, IntakeSettings):
        raise TypeError("intake needs IntakeSettings (see intake.settings.load_settings)")
    return settings
