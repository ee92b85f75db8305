"""``/v1/tickets``: a ticket and its timeline, for whom may see them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel
from sqlalchemy import select

from ticket_store.adapters.snapshots import snapshot
from ticket_store.adapters.tables import HistoryEntry, Ticket
from ticketing_common.auth.principal import CUSTOMER_ROLES, OPERATIONS_ROLES, Principal
from ticketing_common.events.ticket_updated import TicketSnapshotV1
from ticketing_common.web.access import CurrentPrincipal, Scope, access
from ticketing_common.web.dependencies import ReadSession
from ticketing_common.web.paging import Cursor, Limit, Page, decode_cursor, encode_cursor
from ticketing_common.web.problems import not_found

router = APIRouter(prefix="/v1/tickets", tags=["tickets"])

TicketNumber = Annotated[str, Path(pattern=r"^INC\d{7}$", description="Like INC0001234.")]
READERS = access(CUSTOMER_ROLES | OPERATIONS_ROLES, Scope.PERIMETER)


class TicketView(TicketSnapshotV1):
    """The ticket as it now stands; ``version`` is what ``If-Match`` expects."""


class HistoryItem(BaseModel):
    version: int
    at: datetime
    kind: str
    public: bool
    actor_kind: str
    actor_name: str | None
    from_status: str | None
    to_status: str | None
    comment: str | None


async def _visible_ticket(session: ReadSession, number: str, caller: Principal) -> Ticket:
    ticket = await session.get(Ticket, number)
    if ticket is None or not caller.may_see_incident(ticket.org_id, ticket.contract_id):
        raise not_found("ticket")
    return ticket


@router.get("/{ticket_number}", **READERS)
async def get_ticket(
    ticket_number: TicketNumber, caller: CurrentPrincipal, session: ReadSession, response: Response
) -> TicketView:
    ticket = await _visible_ticket(session, ticket_number, caller)
    response.headers["ETag"] = f'"{ticket.version}"'
    return TicketView.model_validate(snapshot(ticket).model_dump())


@router.get("/{ticket_number}/history", **READERS)
async def get_history(
    ticket_number: TicketNumber,
    caller: CurrentPrincipal,
    session: ReadSession,
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
        statement = statement.where(HistoryEntry.id > int(after[0]))
    rows = (
        (await session.execute(statement.order_by(HistoryEntry.id).limit(limit + 1)))
        .scalars()
        .all()
    )
    items = [
        HistoryItem(
            version=row.version,
            at=row.at,
            kind=row.kind,
            public=row.public,
            actor_kind=row.actor_kind,
            actor_name=row.actor_name,
            from_status=row.from_status,
            to_status=row.to_status,
            comment=row.comment,
        )
        for row in rows[:limit]
    ]
    next_cursor = encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return Page[HistoryItem](items=items, next_cursor=next_cursor)
