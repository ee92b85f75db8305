"""Who works a ticket: an agent takes it, gives it to another agent, or releases it.

An agent may take or give away a ticket nobody holds or that they hold themselves; a
ticket another agent holds is reassigned by a supervisor only, so that nobody's work
is taken from under them. Assignment is operations' own business: the change is
internal (the customer still reads the ticket's assignee).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from ticket_store.domain.actors import Actor, ActorRole
from ticket_store.domain.lifecycle import FINAL
from ticket_store.domain.refusals import Invalid, NotAllowed
from ticket_store.domain.work import Change, Outcome, TicketWork, next_version
from ticketing_common.events.parts import Person
from ticketing_common.events.ticket_updated import ChangeKind


class AssignmentAction(StrEnum):
    TAKE = "take"
    ASSIGN = "assign"
    UNASSIGN = "unassign"


def check_assignment(actor: Actor, action: AssignmentAction, assignee: Person | None) -> None:
    if not actor.is_operations or actor.sub is None or actor.name is None:
        raise NotAllowed("only operations staff assign tickets", code="role_may_not")
    if action is AssignmentAction.ASSIGN and assignee is None:
        raise Invalid("assignee", "assign needs the agent to give the ticket to", code="missing")
    if action is not AssignmentAction.ASSIGN and assignee is not None:
        raise Invalid(
            "assignee", f"{action.value} takes no assignee (use assign)", code="unexpected"
        )


def _new_assignee(actor: Actor, action: AssignmentAction, assignee: Person | None) -> Person | None:
    if action is AssignmentAction.TAKE:
        # check_assignment made sure operations actors are named.
        assert actor.sub is not None
        assert actor.name is not None
        return Person(sub=actor.sub, name=actor.name, email=actor.email)
    if action is AssignmentAction.ASSIGN:
        return assignee
    return None


def assign(
    work: TicketWork,
    actor: Actor,
    action: AssignmentAction,
    *,
    assignee: Person | None = None,
    at: datetime,
) -> Outcome:
    check_assignment(actor, action, assignee)
    if work.status in FINAL:
        raise NotAllowed(
            f"a {work.status.value} ticket is not assigned any more", code="ticket_final"
        )
    current = work.assignee
    new = _new_assignee(actor, action, assignee)
    if (current.sub if current else None) == (new.sub if new else None):
        who = f"assigned to {current.name}" if current else "unassigned"
        raise NotAllowed(f"the ticket is already {who}", code="unchanged")
    if current is not None and current.sub != actor.sub and actor.role is not ActorRole.SUPERVISOR:
        raise NotAllowed(
            f"the ticket is held by {current.name}; a supervisor may reassign it",
            code="held_by_another",
        )
    change = Change(
        kind=ChangeKind.ASSIGNED,
        actor=actor,
        public=False,
        at=at,
        action=action.value,
        assignee=new,
    )
    return Outcome(next_version(work, at, assignee=new), change)
