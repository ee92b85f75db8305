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
BATCHES = Histogram(
    "ticketing_consumer_batch_messages",
    "Messages a consumer applied in one transaction.",
    ["queue"],
    buckets=(1, 2, 5, 10, 20, 50, 100),
)
BATCH_FALLBACKS = Counter(
    "ticketing_consumer_batch_fallbacks_total",
    "Batches that failed and whose messages were then applied one at a time.",
    ["queue"],
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
DEAD_LETTERED = Counter(
    "ticketing_dead_lettered_total",
    "Messages this process sent to a dead-letter queue, by reason "
    "(rejected: can never be applied; handler_failed: kept failing).",
    ["queue", "event_type", "reason"],
)
MESSAGES_IN_HAND = Gauge(
    "ticketing_messages_in_hand",
    "Messages delivered to this process and not yet acked or given back.",
    ["queue"],
)
QUEUE_MESSAGES = Gauge(
    "ticketing_queue_messages",
    "Messages ready in a consuming queue, waiting for a consumer: the consumer lag "
    "(read from the broker every QUEUE_METRICS_SECONDS).",
    ["queue"],
)
QUEUE_CONSUMERS = Gauge(
    "ticketing_queue_consumers",
    "Consumers attached to a consuming queue, all processes together.",
    ["queue"],
)
DEAD_LETTERS_WAITING = Gauge(
    "ticketing_dead_letters",
    "Messages waiting in a consuming queue's dead-letter queue.",
    ["queue"],
)
QUEUE_STATS_UPDATED = Gauge(
    "ticketing_queue_stats_updated_timestamp_seconds",
    "When the queue figures above were last read from the broker (Unix time); "
    "stale while the broker is away.",
)
