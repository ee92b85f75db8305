"""``POST /v1/tickets/{number}/priority``: a supervisor overrides the priority."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict

from ticket_store.domain.priority_override import check_priority_override, override_priority
from ticket_store.domain.text import ReasonText
from ticket_store.domain.work import Outcome, TicketWork
from ticket_store.entrypoints.api.changes import Store, actor_of, apply_change, changed_view
from ticket_store.entrypoints.api.preconditions import PRECONDITION_RESPONSES, IfMatch
from ticket_store.entrypoints.api.tickets import TicketNumber
from ticket_store.entrypoints.api.views import TicketChangedView
from ticketing_common.auth.principal import Role
from ticketing_common.reference import Priority
from ticketing_common.web.access import CurrentPrincipal, Scope, access

router = APIRouter(prefix="/v1/tickets", tags=["priority"])


class PriorityOverrideRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    priority: Priority
    # Public, like the change: the customer reads why their ticket's priority moved.
    reason: ReasonText


@router.post(
    "/{ticket_number}/priority",
    **access(frozenset({Role.OPS_SUPERVISOR}), Scope.OPERATIONS),
    responses={
        409: {"description": "the same priority, or a final ticket"},
        **PRECONDITION_RESPONSES,
    },
)
async def post_priority(
    ticket_number: TicketNumber,
    body: PriorityOverrideRequest,
    caller: CurrentPrincipal,
    store: Store,
    versions: IfMatch,
    response: Response,
) -> TicketChangedView:
    """Set another priority than impact × urgency gave, with a reason; the SLA due times
    follow. Setting it back to the derived priority ends the override."""
    actor = actor_of(caller)

    def decide(work: TicketWork, at: datetime) -> Outcome:
        return override_priority(
            work, actor, body.priority, reason=body.reason, at=at, policy=store.desk.policy
        )

    changed = await apply_change(
        store,
        caller,
        ticket_number,
        versions=versions,
        requires_version=True,
        precheck=lambda: check_priority_override(actor, body.reason),
        decide=decide,
    )
    return changed_view(changed, caller, store, response)
