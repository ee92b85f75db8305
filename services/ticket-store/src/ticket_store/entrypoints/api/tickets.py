"""``/v1/tickets/{number}``: a ticket and its timeline, for whom may see them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from ticket_store.adapters.ticket_reads import read_history_page, read_scope, read_ticket
from ticket_store.entrypoints.api.changes import Store
from ticket_store.entrypoints.api.views import (
    HistoryItem,
    TicketView,
    audience_of,
    history_item,
    ticket_view,
)
from ticketing_common.auth.principal import CUSTOMER_ROLES, OPERATIONS_ROLES
from ticketing_common.web.access import CurrentPrincipal, Scope, access
from ticketing_common.web.dependencies import ReadSession
from ticketing_common.web.paging import Cursor, Limit, Page, decode_cursor, encode_cursor
from ticketing_common.web.problems import invalid, not_found

router = APIRouter(prefix="/v1/tickets", tags=["tickets"])

TicketNumber = Annotated[str, Path(pattern=r"^INC\d{7}$", description="Like INC0001234.")]
READERS = access(CUSTOMER_ROLES | OPERATIONS_ROLES, Scope.PERIMETER)


@router.get("/{ticket_number}", **READERS)
async def get_ticket(
    ticket_number: TicketNumber,
    caller: CurrentPrincipal,
    session: ReadSession,
    store: Store,
    response: Response,
) -> TicketView:
    ticket = await read_ticket(session, ticket_number)
    if ticket is None or not caller.may_see_incident(ticket.org_id, ticket.contract_id):
        raise not_found("ticket")
    response.headers["ETag"] = f'"{ticket.version}"'
    return ticket_view(ticket, audience_of(caller, store.store_settings))


@router.get("/{ticket_number}/history", **READERS)
async def get_history(
    ticket_number: TicketNumber,
    caller: CurrentPrincipal,
    session: ReadSession,
    store: Store,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[HistoryItem]:
    """The timeline, oldest first; customers see the public entries only."""
    scope = await read_scope(session, ticket_number)
    if scope is None or not caller.may_see_incident(*scope):
        raise not_found("ticket")
    after = decode_cursor(cursor, 1)
    if after is not None and type(after[0]) is not int:
        raise invalid("cursor", "not a cursor of this list", location="query")
    rows = await read_history_page(
        session,
        ticket_number,
        public_only=not caller.is_operations,
        after_id=after[0] if after is not None else 0,
        rows=limit + 1,
    )
    audience = audience_of(caller, store.store_settings)
    items = [history_item(row, audience) for row in rows[:limit]]
    next_cursor = encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return Page[HistoryItem](items=items, next_cursor=next_cursor)
