"""What this machine can do without the system: the limits its figures are read against."""

from __future__ import annotations

from dataclasses import dataclass

from bench.stats import Distribution


@dataclass(frozen=True)
class LimitResult:
    name: str
    # Operations a second (commits, confirmed publishes, requests).
    rate: float
    latency: Distribution | None
    setting: str
