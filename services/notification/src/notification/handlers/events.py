"""Both event types of notification's queue, taken as one run per batch.

The queue interleaves ``incident.declared`` and ``ticket.updated``; registered for both
types, this handler gets the batch's events of either type at once (the consumer's rule
for a handler registered for several types), so each kind's deliveries are recorded in
one statement per batch rather than one per alternation. The declarations go first:
a ticket change of the same incident in the batch then names the ticket on their
acknowledgements, as it would had they come in two batches.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from notification.handlers.acknowledgement import acknowledge_declarations
from notification.handlers.context import EmailContext
from notification.handlers.ticket_updated import on_tickets_updated
from ticketing_common.events import CloudEvent, IncidentDeclaredV1, TicketUpdatedV1
from ticketing_common.messaging.consumer import BatchHandler


def on_events(context: EmailContext) -> BatchHandler:
    acknowledge = acknowledge_declarations(context)
    follow = on_tickets_updated(context)

    async def handle(session: AsyncSession, events: Sequence[CloudEvent[Any]]) -> None:
        declared = [e for e in events if e.type == IncidentDeclaredV1.event_type]
        changed = [e for e in events if e.type == TicketUpdatedV1.event_type]
        if declared:
            await acknowledge(session, declared)
        if changed:
            await follow(session, changed)

    return handle
