"""``GET /v1/tickets``: the operations' queues (agents and supervisors)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from ticket_store.adapters.queue_queries import (
    QueueFilter,
    QueueOrder,
    QueuePosition,
    position_of,
    queue_query,
)
from ticket_store.adapters.snapshots import sla_snapshot
from ticket_store.adapters.tables import Ticket
from ticketing_common.auth.principal import Role
from ticketing_common.events.parts import Person
from ticketing_common.events.ticket_updated import TicketSlaV1
from ticketing_common.reference import Priority, TicketStatus
from ticketing_common.web.access import CurrentPrincipal, Scope, access
from ticketing_common.web.dependencies import ReadSession
from ticketing_common.web.paging import Cursor, Limit, Page, decode_cursor, encode_cursor
from ticketing_common.web.problems import invalid
from ticketing_common.web.query import IdentifierFilter

router = APIRouter(prefix="/v1/tickets", tags=["queues"])

ME = "me"
NOBODY = "none"


class QueueItem(BaseModel):
    ticket_number: str
    declaration_id: str
    org_id: str
    contract_id: str
    element_id: str
    customer_reference: str | None
    status: TicketStatus
    priority: Priority
    priority_overridden: bool
    assignee: Person | None
    sla: TicketSlaV1
    created_at: datetime
    updated_at: datetime
    version: int


def _item(ticket: Ticket) -> QueueItem:
    return QueueItem(
        ticket_number=ticket.ticket_number,
        declaration_id=ticket.declaration_id,
        org_id=ticket.org_id,
        contract_id=ticket.contract_id,
        element_id=ticket.element_id,
        customer_reference=ticket.customer_reference,
        status=TicketStatus(ticket.status),
        priority=Priority(ticket.priority),
        priority_overridden=ticket.priority_overridden,
        assignee=Person.model_validate(ticket.assignee) if ticket.assignee else None,
        sla=sla_snapshot(ticket),
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        version=ticket.version,
    )


def _position(cursor: str | None, order: QueueOrder) -> QueuePosition | None:
    values = decode_cursor(cursor, 3)
    if values is None:
        return None
    sort, at, number = values
    if sort != order.value or not isinstance(at, str) or not isinstance(number, str):
        raise invalid("cursor", "not a cursor of this list and order", location="query")
    try:
        return QueuePosition(at=datetime.fromisoformat(at), ticket_number=number)
    except ValueError as exc:
        raise invalid("cursor", "not a cursor of this list", location="query") from exc


def _cursor(ticket: Ticket, order: QueueOrder) -> str:
    position = position_of(ticket, order)
    return encode_cursor([order.value, position.at.isoformat(), position.ticket_number])


@router.get("", **access(frozenset({Role.OPS_AGENT, Role.OPS_SUPERVISOR}), Scope.OPERATIONS))
async def list_tickets(
    caller: CurrentPrincipal,
    session: ReadSession,
    status: Annotated[list[TicketStatus] | None, Query(description="Repeat for several.")] = None,
    assignee: Annotated[
        str | None,
        Query(
            max_length=200,
            pattern=r"^[^\x00-\x1f\x7f]+$",
            description='An agent\'s sub, "me", or "none" for tickets nobody holds.',
        ),
    ] = None,
    org: IdentifierFilter = None,
    priority: Annotated[list[Priority] | None, Query(description="Repeat for several.")] = None,
    breached: Annotated[
        bool | None, Query(description="Whether a response or resolution target was missed.")
    ] = None,
    sort: QueueOrder = QueueOrder.DUE,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[QueueItem]:
    """Tickets of every organization, soonest resolution due first (``sort=due``) or
    newest first (``sort=newest``)."""
    filters = QueueFilter(
        statuses=frozenset(status or ()),
        priorities=frozenset(priority or ()),
        org_id=org,
        assignee_sub=caller.sub if assignee == ME else assignee,
        unassigned=assignee == NOBODY,
        breached=breached,
    )
    statement = queue_query(filters, sort, _position(cursor, sort), limit + 1)
    rows = (await session.scalars(statement)).all()
    next_cursor = _cursor(rows[limit - 1], sort) if len(rows) > limit else None
    return Page[QueueItem](items=[_item(row) for row in rows[:limit]], next_cursor=next_cursor)
