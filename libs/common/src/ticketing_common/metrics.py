"""Prometheus metrics every service exposes at ``/metrics``."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "ticketing_http_requests_total",
    "HTTP requests served, by route template, method and status.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "ticketing_http_request_duration_seconds",
    "Time to serve an HTTP request, by route template.",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
EVENTS_CONSUMED = Counter(
    "ticketing_events_consumed_total",
    "Messages taken from a queue, by event type and outcome "
    "(applied, duplicate, dead_lettered, requeued).",
    ["queue", "event_type", "outcome"],
)
HANDLER_FAILURES = Counter(
    "ticketing_handler_failures_total",
    "Failures of an event handler, by reason.",
    ["queue", "event_type", "reason"],
)
HANDLER_DURATION = Histogram(
    "ticketing_handler_duration_seconds",
    "Time to apply an event, transaction included.",
    ["queue", "event_type"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
REDELIVERIES = Counter(
    "ticketing_redeliveries_total",
    "Messages the broker delivered again after an earlier delivery was not acked.",
    ["queue"],
)
EVENTS_PUBLISHED = Counter(
    "ticketing_outbox_published_total",
    "Outbox rows the broker confirmed.",
    ["event_type"],
)
PUBLISH_FAILURES = Counter(
    "ticketing_outbox_publish_failures_total",
    "Outbox rows the broker did not confirm (to be sent again).",
    ["event_type"],
)
OUTBOX_BACKLOG = Gauge(
    "ticketing_outbox_backlog",
    "Outbox rows not yet confirmed by the broker.",
)
OUTBOX_OLDEST_AGE = Gauge(
    "ticketing_outbox_oldest_age_seconds",
    "Age of the oldest outbox row not yet confirmed (0 when none).",
)
