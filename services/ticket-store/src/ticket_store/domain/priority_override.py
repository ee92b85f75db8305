"""A supervisor overrides the priority impact × urgency gave, with a reason.

The SLA due times follow the new priority's targets. The change is public: the
customer reads the priority on their ticket and in their list, and the reason tells
them why it moved. Setting the priority back to what impact × urgency give ends the
override.
"""

from __future__ import annotations

from datetime import datetime

from ticket_store.domain.actors import Actor, ActorRole
from ticket_store.domain.lifecycle import FINAL
from ticket_store.domain.refusals import Invalid, NotAllowed
from ticket_store.domain.sla import SlaPolicy, retarget
from ticket_store.domain.work import Change, Outcome, TicketWork, next_version
from ticketing_common.events.ticket_updated import ChangeKind
from ticketing_common.reference import Priority

OVERRIDE_ACTION = "override_priority"


def check_priority_override(actor: Actor, reason: str | None) -> None:
    if actor.role is not ActorRole.SUPERVISOR:
        raise NotAllowed("only a supervisor overrides a priority", code="role_may_not")
    if not reason:
        raise Invalid("reason", "an override needs a reason", code="reason_required")


def override_priority(
    work: TicketWork,
    actor: Actor,
    priority: Priority,
    *,
    reason: str,
    at: datetime,
    policy: SlaPolicy,
) -> Outcome:
    check_priority_override(actor, reason)
    if work.status in FINAL:
        raise NotAllowed(f"a {work.status.value} ticket keeps its priority", code="ticket_final")
    if priority is work.priority:
        raise NotAllowed(f"the priority is already {priority.value}", code="unchanged")
    sla = retarget(work.sla, policy.target(priority))
    change = Change(
        kind=ChangeKind.PRIORITY_CHANGED,
        actor=actor,
        public=True,
        at=at,
        action=OVERRIDE_ACTION,
        reason=reason,
        from_priority=work.priority,
        to_priority=priority,
    )
    return Outcome(next_version(work, at, priority=priority, sla=sla), change)
