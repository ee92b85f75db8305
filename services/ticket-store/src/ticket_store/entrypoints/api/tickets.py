"""``/v1/tickets/{number}``: a ticket and its timeline, for whom may see them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from sqlalchemy import select

from ticket_store.adapters.tables import HistoryEntry, Ticket
from ticket_store.entrypoints.api.changes import Store
from ticket_store.entrypoints.api.views import (
    HistoryItem,
    TicketView,
    audience_of,
    history_item,
    ticket_view,
)
from ticketing_common.auth.principal import CUSTOMER_ROLES, OPERATIONS_ROLES, Principal
from ticketing_common.web.access import CurrentPrincipal, Scope, access
from ticketing_common.web.dependencies import ReadSession
from ticketing_common.web.paging import Cursor, Limit, Page, decode_cursor, encode_cursor
from ticketing_common.web.problems import invalid, not_found

router = APIRouter(prefix="/v1/tickets", tags=["tickets"])

TicketNumber = Annotated[str, Path(pattern=r"^INC\d{7}$", description="Like INC0001234.")]
READERS = access(CUSTOMER_ROLES | OPERATIONS_ROLES, Scope.PERIMETER)


async def _visible_ticket(session: ReadSession, number: str, caller: Principal) -> Ticket:
    ticket = await session.get(Ticket, number)
    if ticket is None or not caller.may_see_incident(ticket.org_id, ticket.contract_id):
        raise not_found("ticket")
    return ticket


@router.get("/{ticket_number}", **READERS)
async def get_ticket(
    ticket_number: TicketNumber,
    caller: CurrentPrincipal,
    session: ReadSession,
    store: Store,
    response: Response,
) -> TicketView:
    ticket = await _visible_ticket(session, ticket_number, caller)
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
    await _visible_ticket(session, ticket_number, caller)
    statement = select(HistoryEntry).where(HistoryEntry.ticket_number == ticket_number)
    if not caller.is_operations:
        statement = statement.where(HistoryEntry.public.is_(True))
    after = decode_cursor(cursor, 1)
    if after is not None:
        if type(after[0]) is not int:
            raise invalid("cursor", "not a cursor of this list", location="query")
        statement = statement.where(HistoryEntry.id > after[0])
    rows = (
        (await session.execute(statement.order_by(HistoryEntry.id).limit(limit + 1)))
        .scalars()
        .all()
    )
    audience = audience_of(caller, store.store_settings)
    items = [history_item(row, audience) for row in rows[:limit]]
    next_cursor = encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return Page[HistoryItem](items=items, next_cursor=next_cursor)
