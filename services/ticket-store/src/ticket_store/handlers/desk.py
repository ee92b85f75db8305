"""The working rules every handler shares, built once from the settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ticket_store.domain.sla import DEFAULT_POLICY, SlaPolicy

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Desk:
    policy: SlaPolicy = DEFAULT_POLICY
    auto_close_after: timedelta = timedelta(days=5)
    # Injected so that tests move time instead of waiting for it.
    clock: Clock = field(default=utc_now)
