"""Comments, assignment, priority override and auto-close as pure rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from ticket_store.domain.actors import SYSTEM, Actor, ActorRole
from ticket_store.domain.assignment import AssignmentAction, assign
from ticket_store.domain.auto_close import auto_close
from ticket_store.domain.comments import Visibility, add_comment
from ticket_store.domain.priority_override import override_priority
from ticket_store.domain.refusals import Invalid, NotAllowed
from ticket_store.domain.sla import DEFAULT_POLICY
from ticketing_common.events.parts import Person
from ticketing_common.events.ticket_updated import ChangeKind
from ticketing_common.reference import Priority
from ticketing_common.reference import TicketStatus as S

from .test_sla_clock import AGENT, CUSTOMER, SUPERVISOR, T0, new_ticket

OTHER_AGENT = Actor(ActorRole.AGENT, sub="u-ops-max", name="Max Agent")
MAX = Person(sub="u-ops-max", name="Max Agent")


def test_a_customer_may_not_write_an_internal_comment() -> None:
    with pytest.raises(Invalid) as refused:
        add_comment(
            new_ticket(), CUSTOMER, "psst", Visibility.INTERNAL, at=T0, policy=DEFAULT_POLICY
        )
    assert refused.value.field == "visibility"


def test_comments_are_public_or_internal_and_change_no_status() -> None:
    for actor, visibility in [
        (AGENT, Visibility.INTERNAL),
        (AGENT, Visibility.PUBLIC),
        (CUSTOMER, Visibility.PUBLIC),
    ]:
        outcome = add_comment(new_ticket(), actor, "text", visibility, at=T0, policy=DEFAULT_POLICY)
        assert outcome.change.kind is ChangeKind.COMMENT_ADDED
        assert outcome.change.public is (visibility is Visibility.PUBLIC)
        assert outcome.change.comment == "text"
        assert outcome.work.status is S.NEW
        assert outcome.work.version == 2


def test_an_agents_public_comment_on_a_waiting_ticket_leaves_it_waiting() -> None:
    waiting = replace(new_ticket(), status=S.PENDING_CUSTOMER)
    outcome = add_comment(
        waiting, AGENT, "Any news?", Visibility.PUBLIC, at=T0, policy=DEFAULT_POLICY
    )
    assert outcome.work.status is S.PENDING_CUSTOMER


def test_final_tickets_take_internal_notes_only() -> None:
    for status in (S.CLOSED, S.CANCELLED):
        final = replace(new_ticket(), status=status)
        for actor in (AGENT, CUSTOMER):
            with pytest.raises(NotAllowed):
                add_comment(final, actor, "x", Visibility.PUBLIC, at=T0, policy=DEFAULT_POLICY)
        note = add_comment(final, AGENT, "x", Visibility.INTERNAL, at=T0, policy=DEFAULT_POLICY)
        assert note.change.public is False


def test_an_agent_takes_gives_and_releases_a_ticket() -> None:
    taken = assign(new_ticket(), AGENT, AssignmentAction.TAKE, at=T0)
    assert taken.work.assignee == Person(sub="u-ops-sam", name="Sam Agent")
    assert taken.change.kind is ChangeKind.ASSIGNED
    assert taken.change.public is False
    given = assign(taken.work, AGENT, AssignmentAction.ASSIGN, assignee=MAX, at=T0)
    assert given.work.assignee == MAX
    assert given.change.assignee == MAX
    released = assign(given.work, OTHER_AGENT, AssignmentAction.UNASSIGN, at=T0)
    assert released.work.assignee is None
    assert released.work.version == 4


def test_a_ticket_held_by_another_agent_is_reassigned_by_a_supervisor_only() -> None:
    held = assign(new_ticket(), OTHER_AGENT, AssignmentAction.TAKE, at=T0).work
    for action in (AssignmentAction.TAKE, AssignmentAction.UNASSIGN):
        with pytest.raises(NotAllowed) as refused:
            assign(held, AGENT, action, at=T0)
        assert refused.value.code == "held_by_another"
    moved = assign(
        held,
        SUPERVISOR,
        AssignmentAction.ASSIGN,
        assignee=Person(sub="u-ops-sam", name="Sam Agent"),
        at=T0,
    )
    assert moved.work.assignee is not None
    assert moved.work.assignee.sub == "u-ops-sam"


def test_assignment_refusals() -> None:
    work = new_ticket()
    with pytest.raises(NotAllowed, match="already unassigned"):
        assign(work, AGENT, AssignmentAction.UNASSIGN, at=T0)
    taken = assign(work, AGENT, AssignmentAction.TAKE, at=T0).work
    with pytest.raises(NotAllowed, match="already assigned to Sam Agent"):
        assign(taken, AGENT, AssignmentAction.TAKE, at=T0)
    with pytest.raises(Invalid) as no_assignee:
        assign(work, AGENT, AssignmentAction.ASSIGN, at=T0)
    assert no_assignee.value.field == "assignee"
    with pytest.raises(Invalid):
        assign(work, AGENT, AssignmentAction.TAKE, assignee=MAX, at=T0)
    with pytest.raises(NotAllowed):
        assign(work, CUSTOMER, AssignmentAction.TAKE, at=T0)
    with pytest.raises(NotAllowed):
        assign(replace(work, status=S.CLOSED), AGENT, AssignmentAction.TAKE, at=T0)


def test_a_priority_override_needs_a_supervisor_a_reason_and_a_change() -> None:
    work = new_ticket(Priority.P3)
    with pytest.raises(NotAllowed):
        override_priority(work, AGENT, Priority.P1, reason="x", at=T0, policy=DEFAULT_POLICY)
    with pytest.raises(Invalid) as no_reason:
        override_priority(work, SUPERVISOR, Priority.P1, reason="", at=T0, policy=DEFAULT_POLICY)
    assert no_reason.value.field == "reason"
    with pytest.raises(NotAllowed, match="already P3"):
        override_priority(work, SUPERVISOR, Priority.P3, reason="x", at=T0, policy=DEFAULT_POLICY)
    with pytest.raises(NotAllowed):
        override_priority(
            replace(work, status=S.CANCELLED),
            SUPERVISOR,
            Priority.P1,
            reason="x",
            at=T0,
            policy=DEFAULT_POLICY,
        )
    raised = override_priority(
        work, SUPERVISOR, Priority.P1, reason="Whole site down", at=T0, policy=DEFAULT_POLICY
    )
    assert raised.work.priority is Priority.P1
    assert raised.work.priority_overridden
    change = raised.change
    assert change.kind is ChangeKind.PRIORITY_CHANGED
    assert change.public is True
    assert (change.from_priority, change.to_priority) == (Priority.P3, Priority.P1)
    assert change.reason == "Whole site down"
    back = override_priority(
        raised.work, SUPERVISOR, Priority.P3, reason="Back", at=T0, policy=DEFAULT_POLICY
    )
    assert not back.work.priority_overridden


def test_auto_close_takes_a_resolved_ticket_left_alone_long_enough() -> None:
    after = timedelta(days=5)
    resolved = replace(new_ticket(), status=S.RESOLVED, resolved_at=T0, updated_at=T0)
    with pytest.raises(NotAllowed):
        auto_close(
            resolved, at=T0 + after - timedelta(seconds=1), after=after, policy=DEFAULT_POLICY
        )
    closed = auto_close(resolved, at=T0 + after, after=after, policy=DEFAULT_POLICY)
    assert closed.work.status is S.CLOSED
    assert closed.work.closed_at == T0 + after
    assert closed.work.resolved_at == T0
    assert closed.change.actor == SYSTEM
    assert closed.change.action == "auto_close"
    assert closed.change.public is True
    with pytest.raises(NotAllowed):
        auto_close(
            replace(resolved, status=S.IN_PROGRESS),
            at=T0 + 10 * after,
            after=after,
            policy=DEFAULT_POLICY,
        )
