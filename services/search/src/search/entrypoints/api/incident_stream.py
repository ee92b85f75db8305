"""``GET /v1/incidents/stream``: each change to an incident the caller may see, live."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sse_starlette import EventSourceResponse, ServerSentEvent

from search.domain.changes import ChangeKind
from search.domain.views import IncidentChanged
from search.domain.visibility import change_view, incident_item, may_see_change, reader_of
from search.entrypoints.api.sse import (
    STREAM_RESPONSES,
    LastEventId,
    event_stream,
    json_event,
    parse_last_event_id,
)
from search.services import Services
from search.streaming.subscription import FeedRow
from ticketing_common.auth.principal import CUSTOMER_ROLES, OPERATIONS_ROLES
from ticketing_common.web.access import CurrentPrincipal, Scope, access
from ticketing_common.web.query import NO_CONTROL_CHARACTERS

router = APIRouter(prefix="/v1/incidents", tags=["incidents"])

READERS = CUSTOMER_ROLES | OPERATIONS_ROLES


@router.get(
    "/stream",
    **access(READERS, Scope.PERIMETER),
    response_class=EventSourceResponse,
    responses=STREAM_RESPONSES,
)
async def incident_stream(
    caller: CurrentPrincipal,
    services: Services,
    last_event_id: LastEventId = None,
    org: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=NO_CONTROL_CHARACTERS,
            description="Operations: one organization's changes.",
        ),
    ] = None,
) -> EventSourceResponse:
    """Server-Sent Events. ``incident``: an incident changed (``{"incident": <the list's
    line>, "change": <what happened>}``), with its id; ``reset``: reload the list (it
    was rebuilt, or what you missed is gone); ``ready``: live from here. Comment lines
    keep the connection open. Reconnect with ``Last-Event-ID`` to receive what you
    missed."""
    resume_after = parse_last_event_id(last_event_id)
    reader = reader_of(caller, agent_names_for_customers=not services.settings.hide_agent_names)

    def accepts(row: FeedRow) -> bool:
        values = row.values
        return may_see_change(
            caller,
            kind=values["kind"],
            public=values["public"],
            org_id=values["org_id"],
            contract_id=values["contract_id"],
            org_filter=org,
        )

    def render(row: FeedRow) -> ServerSentEvent | None:
        values = row.values
        if values["kind"] == ChangeKind.REBUILT.value:
            return json_event("reset", {"reason": "the list was rebuilt"}, event_id=row.id)
        change = change_view(values["change"], reader)
        if change is None:
            return None
        message = IncidentChanged(incident=incident_item(values["incident"], reader), change=change)
        return json_event("incident", message.model_dump(mode="json"), event_id=row.id)

    return event_stream(
        services.incident_feed,
        accepts=accepts,
        render=render,
        last_event_id=resume_after,
        settings=services.settings,
        # Replay only reads the caller's organization (and list-wide changes).
        replay_org=org if caller.is_operations else caller.org_id,
    )
