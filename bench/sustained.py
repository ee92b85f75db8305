"""Whether a fixed-rate step was sustained: no error, and no backlog growing.

A step is sustained when every declaration was accepted, the client kept its
schedule (on a shared machine a starved client is a saturated machine), every
declaration reached the list with its ticket number before the drain ran out, the
work waiting in the pipeline (outbox rows and queued messages) did not grow over the
step, and the time to the list did not climb from the first fifth of the step to its
last third (a queue that grows shows in the latency before any gauge refreshes).

The emails are judged the same way, apart, and a step that began with emails of
earlier steps still to send is not counted as keeping up: its latency, high from the
start, could not show a climb. A step is held (``StepResult.sustained``, what the rate
search looks for) when both the list and the emails kept up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.stats import least_squares_slope, percentile

# The client may fall this far behind its schedule before the step counts as not held.
SCHEDULE_TOLERANCE = 0.97
# Backlog growth over a whole step tolerated: a quarter of a second of arrivals, or 25.
BACKLOG_GROWTH_SECONDS = 0.25
BACKLOG_GROWTH_FLOOR = 25.0
# Latency may drift this much between the first and the last third of a step.
LATENCY_DRIFT_FACTOR = 2.0
LATENCY_DRIFT_SLACK = 0.25
# Backlog samples of the first part of a step describe the warm-up, not the regime.
WARMUP_FRACTION = 0.2


@dataclass(frozen=True)
class StepFacts:
    target_rate: float
    seconds: float
    sent: int
    achieved_rate: float
    errors: int
    # Declarations whose row showed the ticket number before the drain ran out.
    reached_list: int
    # (seconds since the step began, outbox rows + queued messages)
    backlog: Sequence[tuple[float, float]]
    # (seconds since the step began when the POST was due, seconds to the ticket number)
    list_latencies: Sequence[tuple[float, float]]
    expected_emails: int = 0
    arrived_emails: int = 0
    email_latencies: Sequence[tuple[float, float]] = ()
    # Emails of earlier steps still to send when this one began.
    emails_pending_at_start: int = 0


@dataclass(frozen=True)
class Verdict:
    sustained: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)


def pipeline_verdict(facts: StepFacts) -> Verdict:
    reasons: list[str] = []
    if facts.errors:
        reasons.append(f"{facts.errors} requests failed")
    if facts.achieved_rate < SCHEDULE_TOLERANCE * facts.target_rate:
        reasons.append(f"the client sent {facts.achieved_rate:.0f}/s of {facts.target_rate:.0f}/s")
    missing = facts.sent - facts.errors - facts.reached_list
    if missing > 0:
        reasons.append(f"{missing} declarations had no ticket number in the list after the drain")
    growth = backlog_growth(facts.backlog, facts.seconds)
    allowed = max(BACKLOG_GROWTH_SECONDS * facts.target_rate, BACKLOG_GROWTH_FLOOR)
    if growth > allowed:
        reasons.append(f"the backlog grew by about {growth:.0f} over the step")
    drift = latency_drift(facts.list_latencies, facts.seconds)
    if drift is not None:
        reasons.append(f"time to the list {drift}")
    return Verdict(not reasons, tuple(reasons))


def email_verdict(facts: StepFacts) -> Verdict:
    reasons: list[str] = []
    if facts.emails_pending_at_start > 0:
        # Latency already high from the first third cannot climb: a step that began
        # behind cannot show that it kept up.
        reasons.append(
            f"began with {facts.emails_pending_at_start} emails of earlier steps still to send"
        )
    behind = facts.expected_emails - facts.arrived_emails
    if behind > 0:
        reasons.append(f"{behind} of {facts.expected_emails} emails not arrived after the drain")
    drift = latency_drift(facts.email_latencies, facts.seconds)
    if drift is not None:
        reasons.append(f"time to the email {drift}")
    return Verdict(not reasons, tuple(reasons))


def backlog_growth(backlog: Sequence[tuple[float, float]], seconds: float) -> float:
    """How much the backlog grew over the step, from its trend after the warm-up."""
    steady = [(t, value) for t, value in backlog if t >= WARMUP_FRACTION * seconds]
    return least_squares_slope(steady) * seconds


def latency_drift(latencies: Sequence[tuple[float, float]], seconds: float) -> str | None:
    """A description of the climb when the last third's median is well above the
    first fifth's; None when it holds. The first fifth, not the first third: a queue
    that falls behind from the step's first seconds (the emails at a rate they cannot
    take) has most of its climb inside the first third already."""
    first = sorted(value for due, value in latencies if due < seconds / 5)
    last = sorted(value for due, value in latencies if due >= 2 * seconds / 3)
    if not first or not last:
        return None
    before, after = percentile(first, 0.5), percentile(last, 0.5)
    if after > LATENCY_DRIFT_FACTOR * before + LATENCY_DRIFT_SLACK:
        return f"climbed from {before * 1000:.0f} ms to {after * 1000:.0f} ms (median)"
    return None
