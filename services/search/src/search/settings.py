"""Search's settings."""

from __future__ import annotations

from pydantic import Field

from ticketing_common.settings import ServiceSettings


class SearchSettings(ServiceSettings):
    service_name: str = "search"
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/search"
    http_port: int = 8004

    # A comment line this often keeps proxies from closing a quiet stream.
    stream_heartbeat_seconds: float = Field(default=15.0, gt=0)
    # A stream ends after this long; the client reconnects with Last-Event-ID and its
    # token is checked again.
    stream_max_seconds: float = Field(default=3600.0, gt=0)
    # How long a client's browser waits before reconnecting (the SSE "retry" field).
    stream_retry_milliseconds: int = Field(default=3000, ge=0)
    # Changes held for a client that reads slowly; beyond it its stream ends, and it
    # resumes from the table.
    stream_buffer: int = Field(default=1000, ge=1)
    # The feeds also poll this often, in case a notification was lost.
    feed_poll_seconds: float = Field(default=1.0, gt=0)
    # Woken by a commit, a feed waits this long for the commits that follow to read
    # them at once: one read per window under load instead of one per commit.
    feed_gather_ms: float = Field(default=20.0, ge=0, le=1000)
    # How long the change log keeps changes for clients to resume from.
    change_log_retention_hours: float = Field(default=72.0, gt=0)
    # When set, customers never see agents' names on their incidents (the same setting as
    # the ticket store's, so one provider-wide choice hides them everywhere).
    hide_agent_names: bool = False


def load_settings() -> SearchSettings:
    return SearchSettings()
