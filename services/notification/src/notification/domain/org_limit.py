"""The hourly limit of emails per customer organization.

An organization may have at most ``limit`` emails handed to the mail server in any
sliding hour (those in flight count too). Emails beyond it are not dropped: they wait,
``pending``, with a later ``next_attempt_at``, in their order, spread over the time
the window frees up (one slot every ``hour / limit``), so that they neither all wake
at the same instant nor overtake one another.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class DueDelivery:
    id: int
    org_id: str


@dataclass(frozen=True)
class ClaimPlan:
    # Deliveries to send now, in the order given.
    take: list[int]
    # Organizations that reached their limit: their due deliveries must wait.
    full: list[str]


def plan_claims(
    due: Sequence[DueDelivery], used: Mapping[str, int], hourly_limit: int
) -> ClaimPlan:
    """Take due deliveries in order while their organization has room in the window."""
    room = {org: hourly_limit - count for org, count in used.items()}
    take: list[int] = []
    full: list[str] = []
    for delivery in due:
        left = room.get(delivery.org_id, hourly_limit)
        if left > 0:
            take.append(delivery.id)
            room[delivery.org_id] = left - 1
        elif delivery.org_id not in full:
            full.append(delivery.org_id)
    return ClaimPlan(take, full)


def slot_spacing(hourly_limit: int) -> timedelta:
    """How often a slot frees up in a full window, on average."""
    return WINDOW / hourly_limit


def first_waiting_slot(
    *,
    now: datetime,
    oldest_counted: datetime | None,
    last_waiting: datetime | None,
    hourly_limit: int,
) -> datetime:
    """When the first of an organization's newly waiting deliveries may go.

    Not before the oldest email counted in the window leaves it; and after the
    deliveries already waiting, so that the queue keeps its order. The following ones
    go one ``slot_spacing`` apart.
    """
    spacing = slot_spacing(hourly_limit)
    start = oldest_counted + WINDOW if oldest_counted is not None else now + spacing
    start = max(start, now + timedelta(seconds=1))
    if last_waiting is not None:
        start = max(start, last_waiting + spacing)
    return start
