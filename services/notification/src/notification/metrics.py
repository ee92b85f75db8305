"""Notification's own Prometheus metrics (served at ``/metrics`` with the common ones)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

DELIVERY_ATTEMPTS = Counter(
    "ticketing_notification_delivery_attempts_total",
    "Attempts to hand an email to the SMTP server, by kind and by what followed "
    "(sent, retrying, failed).",
    ["kind", "outcome"],
)
DELIVERIES_WAITING = Counter(
    "ticketing_notification_deliveries_made_to_wait_total",
    "Times an email was put off because its organization reached its hourly limit "
    "(DELIVERY_LIMIT_PER_ORG_PER_HOUR); it stays pending and goes later.",
)
SMTP_DURATION = Histogram(
    "ticketing_notification_smtp_seconds",
    "Time to hand one email to the SMTP server, waiting for a free session and "
    "connecting included.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
