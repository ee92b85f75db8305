"""``POST /v1/tickets/{number}/assignment``: take a ticket, give it, release it."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from ticket_store.domain.assignment import AssignmentAction, assign, check_assignment
from ticket_store.domain.text import NameText
from ticket_store.domain.work import Outcome, TicketWork
from ticket_store.entrypoints.api.changes import Store, actor_of, apply_change, changed_view
from ticket_store.entrypoints.api.preconditions import PRECONDITION_RESPONSES, IfMatch
from ticket_store.entrypoints.api.tickets import TicketNumber
from ticket_store.entrypoints.api.views import TicketChangedView
from ticketing_common.auth.principal import Role
from ticketing_common.events.parts import Person
from ticketing_common.web.access import CurrentPrincipal, Scope, access

router = APIRouter(prefix="/v1/tickets", tags=["assignment"])


class AssigneeIn(BaseModel):
    """The agent, as the identity provider names them (the ``sub`` of their token)."""

    model_config = ConfigDict(extra="forbid")

    sub: str = Field(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
    name: NameText
    email: str | None = Field(
        default=None, max_length=320, pattern=r"^[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+$"
    )


class AssignmentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: AssignmentAction
    # Only with "assign": whom the ticket goes to.
    assignee: AssigneeIn | None = None


@router.post(
    "/{ticket_number}/assignment",
    **access(frozenset({Role.OPS_AGENT, Role.OPS_SUPERVISOR}), Scope.OPERATIONS),
    responses={
        409: {"description": "unchanged, final ticket, or held by another agent"},
        **PRECONDITION_RESPONSES,
    },
)
async def post_assignment(
    ticket_number: TicketNumber,
    body: AssignmentRequest,
    caller: CurrentPrincipal,
    store: Store,
    versions: IfMatch,
    response: Response,
) -> TicketChangedView:
    """``take`` it yourself, ``assign`` it to another agent, or ``unassign`` it. A ticket
    another agent holds is reassigned by a supervisor only. Needs ``If-Match``."""
    actor = actor_of(caller)
    assignee = Person(**body.assignee.model_dump()) if body.assignee else None

    def decide(work: TicketWork, at: datetime) -> Outcome:
        return assign(work, actor, body.action, assignee=assignee, at=at)

    changed = await apply_change(
        store,
        caller,
        ticket_number,
        versions=versions,
        requires_version=True,
        precheck=lambda: check_assignment(actor, body.action, assignee),
        decide=decide,
    )
    return changed_view(changed, caller, store, response)
