"""Settings every service shares, read from the environment.

Settings are built by a function in each service (``load_settings``), never at import
time, so tests can build a service with other settings.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Known to everybody who reads the repository: good for a laptop, refused in production.
DEVELOPMENT_JWT_SECRET = "ticketing-development-secret-not-for-production"  # noqa: S105

Environment = Literal["development", "test", "production"]


class ServiceSettings(BaseSettings):
    """What every service reads from its environment (see CONTRACT.md)."""

    # Inputs stay out of error messages: they may hold a secret or a password in a URL.
    model_config = SettingsConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)

    service_name: str = "service"
    environment: Environment = "development"

    amqp_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"

    auth_jwt_secret: SecretStr | None = SecretStr(DEVELOPMENT_JWT_SECRET)
    auth_jwks_url: str | None = None
    auth_jwt_issuer: str = "ticketing-dev"
    auth_jwt_audience: str = "ticketing"
    auth_leeway_seconds: int = Field(default=30, ge=0, le=300)
    auth_jwks_refresh_cooldown_seconds: float = Field(default=30.0, ge=0)

    log_format: Literal["console", "json"] | None = None
    log_level: str = "INFO"

    http_host: str = "127.0.0.1"
    http_port: int = 8000
    # Request bodies larger than this are refused (413) before any handler reads them.
    max_body_bytes: int = Field(default=1_048_576, ge=1024)

    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)

    # Messages delivered ahead of their handling: two batches' worth, so the next batch
    # is in hand while one is applied.
    amqp_prefetch: int = Field(default=100, ge=1)
    # The consumer applies up to this many messages in one transaction, waiting at most
    # CONSUMER_BATCH_WAIT_MS for a batch to fill (messaging/consumer.py).
    consumer_batch_size: int = Field(default=50, ge=1)
    consumer_batch_wait_ms: float = Field(default=5.0, ge=0, le=1000)
    # Attempts of a failing handler before the message goes to the dead-letter queue.
    handler_max_attempts: int = Field(default=5, ge=1)
    outbox_batch_size: int = Field(default=200, ge=1)
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    # After a commit wakes the relay, it waits this long for more rows to publish them in
    # one batch: a few milliseconds on the path, far less CPU per event under load.
    outbox_gather_ms: float = Field(default=10.0, ge=0, le=1000)
    # Published outbox rows are kept this long for inspection, then deleted.
    outbox_retention_hours: float = Field(default=24.0, ge=0)

    # How often the queue depths and dead-letter counts are read for /metrics.
    queue_metrics_seconds: float = Field(default=15.0, gt=0)

    # Start the consumer and the relay inside the API process (``serve``).
    run_workers: bool = True

    @field_validator("auth_jwt_secret", "auth_jwks_url", mode="before")
    @classmethod
    def _empty_means_unset(cls, value: object) -> object:
        # Compose and shells pass unset variables as empty strings.
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, SecretStr) and not value.get_secret_value().strip():
            return None
        return value

    @property
    def resolved_log_format(self) -> Literal["console", "json"]:
        if self.log_format is not None:
            return self.log_format
        return "json" if self.environment == "production" else "console"

    @model_validator(mode="after")
    def _refuse_development_secret_in_production(self) -> ServiceSettings:
        if self.environment != "production":
            return self
        secret = self.auth_jwt_secret.get_secret_value() if self.auth_jwt_secret else None
        if secret == DEVELOPMENT_JWT_SECRET:
            raise ValueError(
                "AUTH_JWT_SECRET is the development secret; set a real secret or "
                "AUTH_JWKS_URL when ENVIRONMENT=production"
            )
        if secret is None and not self.auth_jwks_url:
            raise ValueError("set AUTH_JWKS_URL (or AUTH_JWT_SECRET) when ENVIRONMENT=production")
        return self
