"""The ticket store's own Prometheus metrics (served at ``/metrics`` with the common ones)."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter

from ticket_store.domain.work import Outcome

TICKET_CHANGES = Counter(
    "ticketing_ticket_changes_total",
    "Changes committed on tickets (each one a version, a history entry and an event), "
    "by kind and action.",
    ["kind", "action"],
)
CHANGES_REFUSED = Counter(
    "ticketing_ticket_changes_refused_total",
    "Changes refused, by why: not_found, version_required, version_mismatch, invalid, not_allowed.",
    ["reason"],
)
JOB_PASSES = Counter(
    "ticketing_ticket_job_passes_total",
    "Passes of the periodic ticket jobs, by outcome (done, failed).",
    ["outcome"],
)


def count_committed(outcomes: Iterable[Outcome]) -> None:
    for outcome in outcomes:
        TICKET_CHANGES.labels(outcome.change.kind.value, outcome.change.action or "").inc()
