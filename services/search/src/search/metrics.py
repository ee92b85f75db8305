"""Search's own metrics, beside those every service exposes."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

STREAM_SUBSCRIBERS = Gauge(
    "search_stream_subscribers", "Clients connected to a live stream, per feed.", ["feed"]
)
STREAM_LAGGING = Counter(
    "search_stream_lagging_total",
    "Streams ended because their client fell behind its buffer (it resumes from its id).",
    ["feed"],
)
