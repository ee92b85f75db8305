"""What incident.declared and ticket.updated do to the incident list.

The consumer calls these inside the transaction that records the event in the inbox;
they only write, and never commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters.incident_writes import apply_declaration, apply_ticket
from search.domain.projection import record_from_declaration, record_from_ticket
from ticketing_common.events import CloudEvent, IncidentDeclaredV1, TicketUpdatedV1
from ticketing_common.messaging.consumer import RejectEvent


async def on_incident_declared(session: AsyncSession, event: CloudEvent[Any]) -> None:
    data: IncidentDeclaredV1 = event.data
    await apply_declaration(session, record_from_declaration(data))


async def on_ticket_updated(session: AsyncSession, event: CloudEvent[Any]) -> None:
    data: TicketUpdatedV1 = event.data
    if data.version != data.ticket.version:
        # Which version would we keep? Neither is safe: leave it to the dead letters.
        raise RejectEvent(
            f"event version {data.version} differs from the ticket's {data.ticket.version}"
        )
    await apply_ticket(session, record_from_ticket(data))
