"""The portal's settings, read from the environment.

The portal owns no database and no queue: it inherits the shared settings for the
identity (``AUTH_*``: it verifies the tokens it holds as the services do, and in
development signs them with ``AUTH_JWT_SECRET``), logging and HTTP, and ignores
``DATABASE_URL`` and ``AMQP_URL``.
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator

from ticketing_common.settings import ServiceSettings

MEGABYTE = 1024 * 1024


class PortalSettings(ServiceSettings):
    service_name: str = "portal"
    http_port: int = 8000

    # The four services (INTAKE_URL, TICKET_STORE_URL, NOTIFICATION_URL, SEARCH_URL).
    intake_url: str = "http://127.0.0.1:8001"
    ticket_store_url: str = "http://127.0.0.1:8002"
    notification_url: str = "http://127.0.0.1:8003"
    search_url: str = "http://127.0.0.1:8004"
    upstream_timeout_seconds: float = Field(default=10.0, gt=0)

    # "development": a page to choose a demo user, whose token the portal signs with
    # AUTH_JWT_SECRET. "oidc": the authorization code flow with PKCE (production).
    portal_auth: Literal["development", "oidc"] = "development"
    # The provider's discovery document (…/.well-known/openid-configuration), or its
    # issuer URL, to which the well-known path is added.
    oidc_discovery_url: str | None = None
    oidc_client_id: str | None = None
    # Optional: a public client proves itself with PKCE alone.
    oidc_client_secret: SecretStr | None = None
    # Where the provider sends the browser back: <portal>/auth/callback.
    oidc_redirect_url: str | None = None
    oidc_scopes: str = "openid profile email"

    # The session cookie is Secure unless told otherwise; `make run` serves plain http on
    # 127.0.0.1 and sets PORTAL_COOKIE_SECURE=false.
    portal_cookie_secure: bool | None = None
    portal_session_hours: float = Field(default=10.0, gt=0)
    portal_session_idle_minutes: float = Field(default=120.0, gt=0)
    portal_max_sessions: int = Field(default=20_000, ge=10)

    # The time zone a declaration's date and time are read in when the browser does not
    # say its own (a hidden field the page's script fills).
    portal_time_zone: str = "Europe/Paris"
    portal_max_upload_bytes: int = Field(default=20 * MEGABYTE, ge=1024)
    # When a service offers no live stream, the portal polls it this often instead.
    portal_poll_seconds: float = Field(default=2.0, gt=0)
    portal_heartbeat_seconds: float = Field(default=15.0, gt=0)

    @field_validator("oidc_client_secret", mode="before")
    @classmethod
    def _empty_secret_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("portal_time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _sign_in_fits_the_environment(self) -> PortalSettings:
        if self.portal_auth == "development" and self.environment == "production":
            raise ValueError("PORTAL_AUTH=development (demo users) is refused in production")
        if self.portal_auth == "oidc":
            missing = [
                name.upper()
                for name in ("oidc_discovery_url", "oidc_client_id", "oidc_redirect_url")
                if not getattr(self, name)
            ]
            if missing:
                raise ValueError(f"PORTAL_AUTH=oidc needs {', '.join(missing)}")
        return self

    @property
    def cookie_secure(self) -> bool:
        if self.portal_cookie_secure is not None:
            return self.portal_cookie_secure
        return self.environment == "production"

    @property
    def development_sign_in(self) -> bool:
        return self.portal_auth == "development"


def load_settings() -> PortalSettings:
    return PortalSettings()
