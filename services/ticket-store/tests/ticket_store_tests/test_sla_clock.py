"""The SLA clock as pure rules: targets, pauses, responses, breaches, new priorities."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ticket_store.domain.actors import Actor, ActorRole
from ticket_store.domain.breaches import flag_breaches
from ticket_store.domain.comments import Visibility, add_comment
from ticket_store.domain.lifecycle import Action
from ticket_store.domain.priority_override import override_priority
from ticket_store.domain.sla import (
    DEFAULT_POLICY,
    Breach,
    SlaPolicy,
    SlaTarget,
    due_breaches,
    pause,
    resume,
    start_clock,
)
from ticket_store.domain.transitions import transition
from ticket_store.domain.work import TicketWork
from ticket_store.settings import TicketStoreSettings
from ticketing_common.events.ticket_updated import ChangeKind
from ticketing_common.reference import Priority
from ticketing_common.reference import TicketStatus as S

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
P1 = DEFAULT_POLICY.target(Priority.P1)
AGENT = Actor(ActorRole.AGENT, sub="u-ops-sam", name="Sam Agent")
SUPERVISOR = Actor(ActorRole.SUPERVISOR, sub="u-ops-lea", name="Léa Superviseur")
CUSTOMER = Actor(ActorRole.CUSTOMER, sub="u-acme-claire", name="Claire Dubois")
MINUTE = timedelta(minutes=1)


def new_ticket(priority: Priority = Priority.P1, at: datetime = T0) -> TicketWork:
    return TicketWork(
        status=S.NEW,
        priority=priority,
        derived_priority=priority,
        assignee=None,
        sla=start_clock(at, DEFAULT_POLICY.target(priority)),
        resolved_at=None,
        closed_at=None,
        version=1,
        updated_at=at,
    )


def act(work: TicketWork, action: Action, at: datetime, actor: Actor = AGENT) -> TicketWork:
    comment = "Details, please." if action in (Action.REQUEST_INFO, Action.RESOLVE) else None
    reason = "No longer needed." if action is Action.CANCEL else None
    return transition(
        work, action, actor, at=at, policy=DEFAULT_POLICY, comment=comment, reason=reason
    ).work


def test_default_targets_per_priority() -> None:
    expected = {
        Priority.P1: (timedelta(minutes=30), timedelta(hours=4)),
        Priority.P2: (timedelta(hours=1), timedelta(hours=8)),
        Priority.P3: (timedelta(hours=4), timedelta(days=2)),
        Priority.P4: (timedelta(days=1), timedelta(days=5)),
    }
    for priority, (response, resolution) in expected.items():
        assert DEFAULT_POLICY.target(priority) == SlaTarget(response, resolution)
    assert TicketStoreSettings().sla_policy == DEFAULT_POLICY


def test_targets_come_from_the_settings_and_bad_ones_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLA_P1_RESPONSE_MINUTES", "15")
    monkeypatch.setenv("SLA_P1_RESOLUTION_MINUTES", "120")
    monkeypatch.setenv("AUTO_CLOSE_DAYS", "3")
    settings = TicketStoreSettings()
    assert settings.sla_policy.target(Priority.P1) == SlaTarget(
        timedelta(minutes=15), timedelta(hours=2)
    )
    assert settings.auto_close_after == timedelta(days=3)
    monkeypatch.setenv("SLA_P1_RESPONSE_MINUTES", "500")
    with pytest.raises(ValueError, match="response target exceeds"):
        TicketStoreSettings()
    with pytest.raises(ValueError, match="no target for P4"):
        SlaPolicy(dict.fromkeys((Priority.P1, Priority.P2, Priority.P3), P1))


def test_a_new_ticket_is_due_at_its_targets() -> None:
    work = new_ticket()
    assert work.sla.response_due_at == T0 + timedelta(minutes=30)
    assert work.sla.resolution_due_at == T0 + timedelta(hours=4)
    assert not work.sla.paused


def test_waiting_for_the_customer_pushes_the_due_times_by_the_wait() -> None:
    work = act(new_ticket(), Action.ACKNOWLEDGE, T0 + 10 * MINUTE)
    assert work.sla.responded_at == T0 + 10 * MINUTE
    work = act(work, Action.REQUEST_INFO, T0 + 60 * MINUTE)
    assert work.sla.paused
    # While paused, the due time stands as it was when the pause began.
    assert work.sla.resolution_due_at == T0 + timedelta(hours=4)
    answer = add_comment(
        work,
        CUSTOMER,
        "Here it is.",
        Visibility.PUBLIC,
        at=T0 + timedelta(hours=3),
        policy=DEFAULT_POLICY,
    )
    assert answer.change.action == "customer_reply"
    assert answer.work.status is S.IN_PROGRESS
    resumed = answer.work.sla
    assert not resumed.paused
    assert resumed.paused_total == timedelta(hours=2)
    assert resumed.resolution_due_at == T0 + timedelta(hours=6)
    # The response was met before the pause: its due time does not move.
    assert resumed.response_due_at == T0 + timedelta(minutes=30)


def test_pauses_add_up_and_a_resolved_ticket_stands_still_until_reopened() -> None:
    work = act(new_ticket(), Action.REQUEST_INFO, T0 + 5 * MINUTE)
    work = act(work, Action.START, T0 + 65 * MINUTE)  # paused one hour
    work = act(work, Action.RESOLVE, T0 + 90 * MINUTE)
    assert work.resolved_at == T0 + 90 * MINUTE
    assert work.sla.paused
    work = act(work, Action.REOPEN, T0 + 90 * MINUTE + timedelta(hours=24), CUSTOMER)
    assert work.resolved_at is None
    assert work.sla.paused_total == timedelta(hours=25)
    assert work.sla.resolution_due_at == T0 + timedelta(hours=4 + 25)


def test_closing_or_cancelling_stops_the_clock() -> None:
    resolved = act(new_ticket(), Action.RESOLVE, T0 + MINUTE)
    closed = act(resolved, Action.CONFIRM, T0 + timedelta(days=10), CUSTOMER)
    assert closed.closed_at == T0 + timedelta(days=10)
    assert closed.resolved_at == T0 + MINUTE
    assert not closed.sla.paused
    assert due_breaches(closed.sla, closed.status, T0 + timedelta(days=100)) == []
    cancelled = act(new_ticket(), Action.CANCEL, T0 + MINUTE, CUSTOMER)
    assert due_breaches(cancelled.sla, cancelled.status, T0 + timedelta(days=100)) == []


def test_a_breach_is_flagged_once_when_the_due_time_passes_unmet() -> None:
    work = new_ticket()
    assert flag_breaches(work, T0 + 29 * MINUTE) == []
    [response] = flag_breaches(work, T0 + 30 * MINUTE)
    assert response.change.kind is ChangeKind.SLA_BREACHED
    assert response.change.action == "response_breached"
    assert response.change.public is False
    assert response.work.version == 2
    assert response.work.sla.response_breached_at == T0 + 30 * MINUTE
    assert flag_breaches(response.work, T0 + 60 * MINUTE) == []
    # Both at once: two changes, two versions.
    late = flag_breaches(work, T0 + timedelta(hours=5))
    assert [o.change.action for o in late] == ["response_breached", "resolution_breached"]
    assert [o.work.version for o in late] == [2, 3]


def test_a_response_in_time_is_never_a_breach_and_a_paused_clock_never_breaches() -> None:
    answered = act(new_ticket(), Action.ACKNOWLEDGE, T0 + 29 * MINUTE)
    assert due_breaches(answered.sla, answered.status, T0 + timedelta(hours=3)) == []
    waiting = act(answered, Action.REQUEST_INFO, T0 + 60 * MINUTE)
    assert due_breaches(waiting.sla, waiting.status, T0 + timedelta(days=30)) == []


def test_an_internal_comment_is_no_response_and_a_public_one_is() -> None:
    work = new_ticket()
    internal = add_comment(
        work, AGENT, "Looks like the VPN.", Visibility.INTERNAL, at=T0, policy=DEFAULT_POLICY
    )
    assert internal.work.sla.responded_at is None
    public = add_comment(
        work, AGENT, "We are on it.", Visibility.PUBLIC, at=T0 + MINUTE, policy=DEFAULT_POLICY
    )
    assert public.work.sla.responded_at == T0 + MINUTE
    assert Breach.RESPONSE not in due_breaches(
        public.work.sla, public.work.status, T0 + 999 * MINUTE
    )


def test_a_new_priority_moves_the_due_times_and_keeps_breaches_flagged() -> None:
    work = new_ticket(Priority.P3)  # 4 h / 2 days
    [breach] = flag_breaches(work, T0 + timedelta(hours=4))
    work = act(breach.work, Action.REQUEST_INFO, T0 + timedelta(hours=5))
    work = act(work, Action.START, T0 + timedelta(hours=7))  # two hours paused
    raised = override_priority(
        work,
        SUPERVISOR,
        Priority.P1,
        reason="Production of the whole site",
        at=T0 + timedelta(hours=8),
        policy=DEFAULT_POLICY,
    )
    sla = raised.work.sla
    assert sla.resolution_due_at == T0 + timedelta(hours=4 + 2)
    # Responded at 5 h (request_info): the response keeps the due time it was measured on.
    assert sla.response_due_at == T0 + timedelta(hours=4)
    assert sla.response_breached_at == T0 + timedelta(hours=4)
    assert raised.work.priority_overridden
    # Now P1 and 8 h in: the resolution is overdue at once.
    assert due_breaches(sla, raised.work.status, T0 + timedelta(hours=8)) == [Breach.RESOLUTION]


@given(
    stretches=st.lists(st.tuples(st.integers(0, 600), st.integers(0, 600)), min_size=0, max_size=8)
)
def test_due_time_is_start_plus_target_plus_every_pause(stretches: list[tuple[int, int]]) -> None:
    clock = start_clock(T0, P1)
    at = T0
    paused = timedelta(0)
    for running_minutes, paused_minutes in stretches:
        at += timedelta(minutes=running_minutes)
        clock = pause(clock, at)
        at += timedelta(minutes=paused_minutes)
        clock = resume(clock, at, P1)
        paused += timedelta(minutes=paused_minutes)
    assert clock.paused_total == paused
    assert clock.resolution_due_at == T0 + P1.resolution + paused
    assert clock.response_due_at == T0 + P1.response + paused
