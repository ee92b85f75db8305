"""Notification's own Prometheus metrics (served at ``/metrics`` with the common ones)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

DELIVERY_ATTEMPTS = Counter(
    "ticketing_notification_delivery_attempts_total",
    "Attempts to hand an email to the SMTP server, by kind and by what followed "
    "(sent, retrying, failed).",
    ["kind", "outcome"],
)
SMTP_DURATION = Histogram(
    "ticketing_notification_smtp_seconds",
    "Time to hand one email to the SMTP server, connection included.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
