"""The service-level clock of a ticket: response and resolution targets per priority.

The clock runs while operations have the ball (``new``, ``acknowledged``,
``in_progress``); it stands still while the ticket waits for the customer
(``pending_customer``, and ``resolved`` until the customer confirms or reopens); it
stops for good once the ticket is ``closed`` or ``cancelled``. A due time is the start,
plus the target, plus every stretch the clock stood still: it is pushed when the clock
resumes, so while paused it shows the time as it stood when the pause began.

The response is met by operations' first word to the customer (a transition or a public
comment); the resolution by resolving. Time is calendar time, around the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from ticketing_common.reference import Priority, TicketStatus

RUNNING: Final = frozenset({TicketStatus.NEW, TicketStatus.ACKNOWLEDGED, TicketStatus.IN_PROGRESS})
PAUSED: Final = frozenset({TicketStatus.PENDING_CUSTOMER, TicketStatus.RESOLVED})
STOPPED: Final = frozenset({TicketStatus.CLOSED, TicketStatus.CANCELLED})


@dataclass(frozen=True)
class SlaTarget:
    response: timedelta
    resolution: timedelta

    def __post_init__(self) -> None:
        if self.response <= timedelta(0) or self.resolution <= timedelta(0):
            raise ValueError("targets must be positive")
        if self.response > self.resolution:
            raise ValueError("the response target exceeds the resolution target")


@dataclass(frozen=True)
class SlaPolicy:
    targets: Mapping[Priority, SlaTarget]

    def __post_init__(self) -> None:
        missing = [priority.value for priority in Priority if priority not in self.targets]
        if missing:
            raise ValueError(f"no target for {', '.join(missing)}")

    def target(self, priority: Priority) -> SlaTarget:
        return self.targets[priority]


DEFAULT_POLICY: Final = SlaPolicy(
    {
        Priority.P1: SlaTarget(response=timedelta(minutes=30), resolution=timedelta(hours=4)),
        Priority.P2: SlaTarget(response=timedelta(hours=1), resolution=timedelta(hours=8)),
        Priority.P3: SlaTarget(response=timedelta(hours=4), resolution=timedelta(days=2)),
        Priority.P4: SlaTarget(response=timedelta(days=1), resolution=timedelta(days=5)),
    }
)


class Breach(StrEnum):
    RESPONSE = "response"
    RESOLUTION = "resolution"


@dataclass(frozen=True)
class SlaClock:
    started_at: datetime
    response_due_at: datetime
    resolution_due_at: datetime
    responded_at: datetime | None = None
    # Set while the clock stands still; folded into paused_total when it resumes.
    paused_since: datetime | None = None
    paused_total: timedelta = field(default=timedelta(0))
    response_breached_at: datetime | None = None
    resolution_breached_at: datetime | None = None

    @property
    def paused(self) -> bool:
        return self.paused_since is not None


def start_clock(at: datetime, target: SlaTarget) -> SlaClock:
    return SlaClock(
        started_at=at,
        response_due_at=at + target.response,
        resolution_due_at=at + target.resolution,
    )


def _recomputed(clock: SlaClock, target: SlaTarget) -> SlaClock:
    """Due times from the start, the target and the time paused so far. A response
    already given keeps the due time it was measured against."""
    shift = clock.paused_total
    response_due = (
        clock.response_due_at
        if clock.responded_at is not None
        else clock.started_at + target.response + shift
    )
    return replace(
        clock,
        response_due_at=response_due,
        resolution_due_at=clock.started_at + target.resolution + shift,
    )


def pause(clock: SlaClock, at: datetime) -> SlaClock:
    if clock.paused:
        return clock
    return replace(clock, paused_since=at)


def resume(clock: SlaClock, at: datetime, target: SlaTarget) -> SlaClock:
    if clock.paused_since is None:
        return clock
    stood_still = max(at - clock.paused_since, timedelta(0))
    folded = replace(clock, paused_since=None, paused_total=clock.paused_total + stood_still)
    return _recomputed(folded, target)


def retarget(clock: SlaClock, target: SlaTarget) -> SlaClock:
    """New targets (the priority changed). A pause in progress is added on resume.
    A breach already flagged stays flagged: it happened under the targets of the time."""
    return _recomputed(clock, target)


def record_response(clock: SlaClock, at: datetime) -> SlaClock:
    if clock.responded_at is not None:
        return clock
    return replace(clock, responded_at=at)


def follow_status(
    clock: SlaClock,
    before: TicketStatus,
    after: TicketStatus,
    at: datetime,
    target: SlaTarget,
) -> SlaClock:
    """The clock after the ticket moved from ``before`` to ``after``."""
    if after in PAUSED and before not in PAUSED:
        return pause(clock, at)
    if before in PAUSED and after not in PAUSED:
        # Into a running status, or a final one (the pause is folded in either way).
        return resume(clock, at, target)
    return clock


def due_breaches(clock: SlaClock, status: TicketStatus, at: datetime) -> list[Breach]:
    """The due times passed at ``at`` and not flagged yet (only while the clock runs)."""
    if status not in RUNNING or clock.paused:
        return []
    found: list[Breach] = []
    if (
        clock.responded_at is None
        and clock.response_breached_at is None
        and at >= clock.response_due_at
    ):
        found.append(Breach.RESPONSE)
    if clock.resolution_breached_at is None and at >= clock.resolution_due_at:
        found.append(Breach.RESOLUTION)
    return found


def flag(clock: SlaClock, breach: Breach, at: datetime) -> SlaClock:
    if breach is Breach.RESPONSE:
        return replace(clock, response_breached_at=at)
    return replace(clock, resolution_breached_at=at)
