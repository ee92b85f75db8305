"""On ``ticket.updated``: remember the ticket number of the declaration.

Registered with ``EventRouter.on_batch``: a run of events is one statement, built once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.events import CloudEvent, TicketUpdatedV1

# Only the first number a declaration is given counts: a later event (or a redelivery
# after the inbox forgot it) finds it set and changes nothing.
_RECORD = text(
    """
    UPDATE declarations
    SET ticket_number = ticket.number, registered_at = ticket.created_at
    FROM unnest(
        CAST(:declaration_ids AS text[]),
        CAST(:numbers AS text[]),
        CAST(:created_at AS timestamptz[])
    ) AS ticket(declaration_id, number, created_at)
    WHERE declarations.id = ticket.declaration_id AND declarations.ticket_number IS NULL
    """
)


async def record_ticket_numbers(session: AsyncSession, events: Sequence[CloudEvent[Any]]) -> None:
    # One row per declaration, from its first event in the run: an UPDATE ... FROM
    # applies one joined row per target row, and which one would be left to the plan.
    first: dict[str, tuple[str, datetime]] = {}
    for event in events:
        data: TicketUpdatedV1 = event.data
        ticket = data.ticket
        first.setdefault(ticket.declaration_id, (ticket.ticket_number, ticket.created_at))
    await session.execute(
        _RECORD,
        {
            "declaration_ids": list(first),
            "numbers": [number for number, _ in first.values()],
            "created_at": [created_at for _, created_at in first.values()],
        },
    )


async def record_ticket_number(session: AsyncSession, event: CloudEvent[Any]) -> None:
    """The same for one event."""
    await record_ticket_numbers(session, (event,))
