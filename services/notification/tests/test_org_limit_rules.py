"""The hourly limit per organization, and the turns of the emails that wait."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from notification.domain.org_limit import (
    DueDelivery,
    first_waiting_slot,
    plan_claims,
    slot_spacing,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_deliveries_go_while_their_organization_has_room() -> None:
    due = [DueDelivery(1, "A"), DueDelivery(2, "A"), DueDelivery(3, "B"), DueDelivery(4, "A")]
    plan = plan_claims(due, {"A": 1}, hourly_limit=2)
    assert plan.take == [1, 3]
    assert plan.full == ["A"]


def test_an_organization_over_its_limit_sends_nothing() -> None:
    # The limit was lowered while emails were in the window.
    plan = plan_claims([DueDelivery(1, "A")], {"A": 7}, hourly_limit=5)
    assert plan.take == []
    assert plan.full == ["A"]


@given(
    orgs=st.lists(st.sampled_from("ABC"), max_size=40),
    used=st.dictionaries(st.sampled_from("ABC"), st.integers(0, 6)),
    limit=st.integers(1, 5),
)
def test_no_organization_ever_goes_past_its_limit(
    orgs: list[str], used: dict[str, int], limit: int
) -> None:
    due = [DueDelivery(i, org) for i, org in enumerate(orgs)]
    plan = plan_claims(due, used, limit)
    taken = [d for d in due if d.id in plan.take]
    for org in "ABC":
        sent = sum(1 for d in taken if d.org_id == org)
        assert used.get(org, 0) + sent <= max(limit, used.get(org, 0))
        assert sent == max(0, min(limit - used.get(org, 0), orgs.count(org)))
        # Whoever is left behind is reported full, so that their emails wait.
        assert (org in plan.full) == (orgs.count(org) > sent)
    # The order of the queue is kept.
    assert plan.take == sorted(plan.take)


def test_waiting_starts_when_the_oldest_email_leaves_the_window() -> None:
    oldest = NOW - timedelta(minutes=40)
    slot = first_waiting_slot(now=NOW, oldest_counted=oldest, last_waiting=None, hourly_limit=4)
    assert slot == NOW + timedelta(minutes=20)
    assert slot_spacing(4) == timedelta(minutes=15)


def test_new_waiters_queue_behind_those_already_waiting() -> None:
    slot = first_waiting_slot(
        now=NOW,
        oldest_counted=NOW - timedelta(minutes=40),
        last_waiting=NOW + timedelta(minutes=50),
        hourly_limit=4,
    )
    assert slot == NOW + timedelta(minutes=65)


def test_a_waiting_slot_always_lies_ahead() -> None:
    slot = first_waiting_slot(
        now=NOW, oldest_counted=NOW - timedelta(hours=2), last_waiting=None, hourly_limit=4
    )
    assert slot > NOW
