"""A lifecycle transition applied to a ticket: status, SLA clock, resolution times."""

from __future__ import annotations

from datetime import datetime

from ticket_store.domain.actors import Actor
from ticket_store.domain.lifecycle import Action, next_status, refuse_role, require_inputs
from ticket_store.domain.sla import SlaPolicy, follow_status, record_response
from ticket_store.domain.work import Change, Outcome, TicketWork, next_version
from ticketing_common.events.ticket_updated import ChangeKind
from ticketing_common.reference import TicketStatus


def check_transition(
    action: Action, actor: Actor, *, comment: str | None, reason: str | None
) -> None:
    """What can be refused without looking at the ticket: the role, the owed inputs."""
    refuse_role(action, actor.role)
    require_inputs(action, comment=comment, reason=reason)


def transition(
    work: TicketWork,
    action: Action,
    actor: Actor,
    *,
    at: datetime,
    policy: SlaPolicy,
    comment: str | None = None,
    reason: str | None = None,
) -> Outcome:
    check_transition(action, actor, comment=comment, reason=reason)
    target = next_status(work.status, action, actor.role)
    sla = follow_status(work.sla, work.status, target, at, policy.target(work.priority))
    if actor.is_operations:
        # Every transition is public: operations have answered the customer.
        sla = record_response(sla, at)
    resolved_at = work.resolved_at
    if target is TicketStatus.RESOLVED:
        resolved_at = at
    elif target is not TicketStatus.CLOSED:
        # Reopened or cancelled: no longer resolved.
        resolved_at = None
    closed_at = at if target is TicketStatus.CLOSED else work.closed_at
    after = next_version(
        work, at, status=target, sla=sla, resolved_at=resolved_at, closed_at=closed_at
    )
    change = Change(
        kind=ChangeKind.STATUS_CHANGED,
        actor=actor,
        public=True,
        at=at,
        action=action.value,
        from_status=work.status,
        to_status=target,
        comment=comment,
        reason=reason,
    )
    return Outcome(after, change)
