"""On ``ticket.updated``: learn the ticket number of a declaration."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.delivery_store import record_ticket
from ticketing_common.events import CloudEvent, TicketUpdatedV1


async def record_ticket_number(session: AsyncSession, event: CloudEvent[Any]) -> None:
    """Name the ticket on the declaration's deliveries, and remember it for those
    still to come.

    Nothing is sent yet: the emails on a status change or a public comment come with
    a later version of this service, here. Until then the event must still be handled
    (an unknown type would be dead-lettered), and this is all it does.
    """
    data: TicketUpdatedV1 = event.data
    await record_ticket(
        session,
        declaration_id=data.ticket.declaration_id,
        ticket_number=data.ticket.ticket_number,
        version=data.version,
    )
