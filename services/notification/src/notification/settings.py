"""Notification's settings."""

from __future__ import annotations

from typing import Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from notification.adapters.smtp_endpoint import SmtpEndpoint, parse_smtp_url
from notification.domain.mailbox import Mailbox, parse_mailbox
from notification.domain.retry import RetryPolicy
from ticketing_common.settings import ServiceSettings


class NotificationSettings(ServiceSettings):
    # A refused setting is reported without its value: SMTP_URL may hold a password.
    # (Merged with the base class's configuration.)
    model_config = SettingsConfigDict(hide_input_in_errors=True)

    service_name: str = "notification"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/notification"
    http_port: int = 8003

    # A secret: it may carry the SMTP password (smtp://user:password@host:port).
    smtp_url: SecretStr = SecretStr("smtp://127.0.0.1:1025")
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    # SMTP sessions kept open to the server, each carrying one message after another;
    # the emails of a batch go over them at once.
    smtp_max_connections: int = Field(default=8, ge=1, le=100)
    mail_from: str = "Incident desk <incidents@ticketing.invalid>"
    portal_base_url: str = "http://127.0.0.1:8000"

    # A delivery that keeps failing for a transient reason is tried this many times,
    # waiting base, 2×base, 4×base... (at most the max) between attempts, then failed.
    delivery_max_attempts: int = Field(default=8, ge=1)
    delivery_backoff_base_seconds: float = Field(default=30.0, gt=0)
    delivery_backoff_max_seconds: float = Field(default=3600.0, gt=0)
    # Deliveries claimed at once, sent together over the SMTP sessions, their outcomes
    # recorded together.
    delivery_batch_size: int = Field(default=40, ge=1, le=500)
    # The sender wakes on every new delivery; this is its fallback, and how soon a
    # retry falls due after its time.
    delivery_poll_seconds: float = Field(default=2.0, gt=0)
    # Woken by a new delivery, the sender waits this long for the deliveries recorded
    # meanwhile to join the round: under load a round's claim and marks are paid for
    # many emails at once; at a low rate it is what an email waits more.
    delivery_gather_ms: float = Field(default=20.0, ge=0, le=1000)
    # Emails handed to the mail server per customer organization in any sliding hour.
    # Beyond it emails wait (pending, with a later next_attempt_at), they are never
    # dropped: a runaway loop or a storm of comments cannot flood a customer's mailboxes
    # nor the provider's sending reputation. Large enough for a major outage's mail.
    delivery_limit_per_org_per_hour: int = Field(default=1000, ge=1)
    # The ticket store's auto-close delay (the same variable, AUTO_CLOSE_DAYS, so one
    # setting in a shared environment configures both), to tell a customer when a
    # resolved incident closes by itself. Unset: the email says it closes "after some
    # days" without an answer rather than give a date that may be wrong.
    auto_close_days: float | None = Field(default=None, gt=0, le=365)

    @property
    def smtp_endpoint(self) -> SmtpEndpoint:
        return parse_smtp_url(self.smtp_url.get_secret_value())

    @property
    def sender(self) -> Mailbox:
        return parse_mailbox(self.mail_from)

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=self.delivery_max_attempts,
            base_seconds=self.delivery_backoff_base_seconds,
            max_seconds=self.delivery_backoff_max_seconds,
        )

    @model_validator(mode="after")
    def _check_mail_settings(self) -> Self:
        # Refuse a bad value at start-up rather than at the first email.
        self.smtp_endpoint  # noqa: B018 - parsing is the check
        self.sender  # noqa: B018
        portal = urlsplit(self.portal_base_url)
        if portal.scheme not in {"http", "https"} or not portal.netloc:
            raise ValueError("PORTAL_BASE_URL must be an http(s) URL")
        if self.delivery_backoff_max_seconds < self.delivery_backoff_base_seconds:
            raise ValueError("DELIVERY_BACKOFF_MAX_SECONDS is below the base")
        return self


def load_settings() -> NotificationSettings:
    return NotificationSettings()
