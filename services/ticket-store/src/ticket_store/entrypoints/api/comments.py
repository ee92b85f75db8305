"""``POST /v1/tickets/{number}/comments``: public or internal comments."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict

from ticket_store.domain.comments import Visibility, add_comment, check_comment
from ticket_store.domain.text import CommentText
from ticket_store.domain.work import Outcome, TicketWork
from ticket_store.entrypoints.api.changes import Store, actor_of, apply_change, changed_view
from ticket_store.entrypoints.api.preconditions import IfMatch
from ticket_store.entrypoints.api.tickets import TicketNumber
from ticket_store.entrypoints.api.transitions import ACTORS
from ticket_store.entrypoints.api.views import TicketChangedView
from ticketing_common.web.access import CurrentPrincipal

router = APIRouter(prefix="/v1/tickets", tags=["comments"])


class CommentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: CommentText
    # No default: an agent says whether the customer may read it.
    visibility: Visibility


@router.post(
    "/{ticket_number}/comments",
    status_code=status.HTTP_201_CREATED,
    **ACTORS,
    responses={
        409: {"description": "a closed or cancelled ticket takes no public comment"},
        412: {"description": "If-Match was sent and is not the ticket's version"},
    },
)
async def post_comment(
    ticket_number: TicketNumber,
    body: CommentRequest,
    caller: CurrentPrincipal,
    store: Store,
    versions: IfMatch,
    response: Response,
) -> TicketChangedView:
    """Customers write public comments only; theirs on a ``pending_customer`` ticket is
    their answer and puts it back ``in_progress``. ``If-Match`` is optional here."""
    actor = actor_of(caller)

    def decide(work: TicketWork, at: datetime) -> Outcome:
        return add_comment(work, actor, body.body, body.visibility, at=at, policy=store.desk.policy)

    changed = await apply_change(
        store,
        caller,
        ticket_number,
        versions=versions,
        requires_version=False,
        precheck=lambda: check_comment(actor, body.visibility),
        decide=decide,
    )
    return changed_view(changed, caller, store, response)
