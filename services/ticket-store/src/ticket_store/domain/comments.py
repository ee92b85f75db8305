"""Comments: public ones speak to the customer, internal ones stay with operations.

A customer writes public comments only. Their comment on a ticket that waits for them
(``pending_customer``) is their answer: the ticket goes back ``in_progress``. A closed
or cancelled ticket takes no more public comments (nobody would answer them); operations
may still add internal notes to it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from ticket_store.domain.actors import Actor, ActorRole
from ticket_store.domain.lifecycle import FINAL, Action
from ticket_store.domain.refusals import Invalid, NotAllowed
from ticket_store.domain.sla import SlaPolicy, record_response
from ticket_store.domain.transitions import transition
from ticket_store.domain.work import Change, Outcome, TicketWork, next_version
from ticketing_common.events.ticket_updated import ChangeKind
from ticketing_common.reference import TicketStatus


class Visibility(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"


COMMENT_ACTION = "comment"


def check_comment(actor: Actor, visibility: Visibility) -> None:
    if actor.role is ActorRole.SYSTEM:
        raise NotAllowed("the system writes no comments", code="role_may_not")
    if actor.role is ActorRole.CUSTOMER and visibility is Visibility.INTERNAL:
        raise Invalid(
            "visibility",
            "customers write public comments only",
            code="internal_comment_by_customer",
        )


def add_comment(
    work: TicketWork,
    actor: Actor,
    body: str,
    visibility: Visibility,
    *,
    at: datetime,
    policy: SlaPolicy,
) -> Outcome:
    check_comment(actor, visibility)
    public = visibility is Visibility.PUBLIC
    if public and work.status in FINAL:
        raise NotAllowed(
            f"a {work.status.value} ticket takes no more public comments",
            code="ticket_final",
        )
    if actor.role is ActorRole.CUSTOMER and work.status is TicketStatus.PENDING_CUSTOMER:
        return transition(work, Action.CUSTOMER_REPLY, actor, at=at, policy=policy, comment=body)
    sla = record_response(work.sla, at) if public and actor.is_operations else work.sla
    change = Change(
        kind=ChangeKind.COMMENT_ADDED,
        actor=actor,
        public=public,
        at=at,
        action=COMMENT_ACTION,
        comment=body,
    )
    return Outcome(next_version(work, at, sla=sla), change)
