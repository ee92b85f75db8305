"""``POST /v1/tickets/{number}/transitions``: move a ticket along its lifecycle."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict

from ticket_store.domain.lifecycle import Action
from ticket_store.domain.text import CommentText, ReasonText
from ticket_store.domain.transitions import check_transition, transition
from ticket_store.domain.work import Outcome, TicketWork
from ticket_store.entrypoints.api.changes import Store, actor_of, apply_change, changed_view
from ticket_store.entrypoints.api.preconditions import PRECONDITION_RESPONSES, IfMatch
from ticket_store.entrypoints.api.tickets import TicketNumber
from ticket_store.entrypoints.api.views import TicketChangedView
from ticketing_common.auth.principal import CUSTOMER_ROLES, Role
from ticketing_common.web.access import CurrentPrincipal, Scope, access

router = APIRouter(prefix="/v1/tickets", tags=["lifecycle"])

# Who may ask for a transition at all; which one each may ask for is the state machine's.
ACTORS = access(CUSTOMER_ROLES | {Role.OPS_AGENT, Role.OPS_SUPERVISOR}, Scope.PERIMETER)

# lifecycle.REQUESTABLE, spelled out for the OpenAPI document (a test keeps them equal).
RequestableAction = Literal[
    "acknowledge", "start", "request_info", "resolve", "confirm", "reopen", "cancel"
]


class TransitionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: RequestableAction
    # Public: shown to the customer. Required by request_info and resolve.
    comment: CommentText | None = None
    # Required by cancel.
    reason: ReasonText | None = None


@router.post(
    "/{ticket_number}/transitions",
    **ACTORS,
    responses={
        409: {"description": "the state machine does not allow it"},
        **PRECONDITION_RESPONSES,
    },
)
async def post_transition(
    ticket_number: TicketNumber,
    body: TransitionRequest,
    caller: CurrentPrincipal,
    store: Store,
    versions: IfMatch,
    response: Response,
) -> TicketChangedView:
    """Agents acknowledge, start, request_info, resolve; customers confirm, reopen,
    cancel (a supervisor may cancel too). Needs ``If-Match`` with the version read."""
    actor = actor_of(caller)
    action = Action(body.action)

    def decide(work: TicketWork, at: datetime) -> Outcome:
        return transition(
            work,
            action,
            actor,
            at=at,
            policy=store.desk.policy,
            comment=body.comment,
            reason=body.reason,
        )

    changed = await apply_change(
        store,
        caller,
        ticket_number,
        versions=versions,
        requires_version=True,
        precheck=lambda: check_transition(action, actor, comment=body.comment, reason=body.reason),
        decide=decide,
    )
    return changed_view(changed, caller, store, response)
