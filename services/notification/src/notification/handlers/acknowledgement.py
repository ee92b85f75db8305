"""On ``incident.declared``: one acknowledgement per recipient, in their language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.delivery_store import NewDelivery, add_deliveries
from notification.adapters.known_tickets import ticket_numbers_of
from notification.domain.delivery import DeliveryKind
from notification.domain.recipients import distinct_recipients
from notification.handlers.context import EmailContext
from notification.handlers.new_deliveries import EmailOrigin, new_deliveries
from notification.rendering.acknowledgement import DeclarationFacts, acknowledgement_of
from notification.rendering.per_recipient import RenderedOnce
from ticketing_common.events import CloudEvent, IncidentDeclaredV1
from ticketing_common.logging import get_logger
from ticketing_common.messaging.consumer import BatchHandler

log = get_logger(__name__)


def acknowledge_declarations(context: EmailContext) -> BatchHandler:
    async def handle(session: AsyncSession, events: Sequence[CloudEvent[Any]]) -> None:
        """Record the deliveries of a run of declarations; the sender sends them once
        this transaction (which also records the events in the inbox) commits."""
        declarations: list[IncidentDeclaredV1] = [event.data for event in events]
        # Known already where the ticket's event overtook the declaration's.
        numbers = await ticket_numbers_of(session, {d.declaration_id for d in declarations})
        deliveries: list[NewDelivery] = []
        for event, data in zip(events, declarations, strict=True):
            facts = DeclarationFacts.of(data, numbers.get(data.declaration_id))
            origin = EmailOrigin(
                event_id=event.id,
                declaration_id=data.declaration_id,
                org_id=data.org_id,
                ticket_number=facts.ticket_number,
                ticket_version=None,
                kind=DeliveryKind.ACKNOWLEDGEMENT,
            )
            emails = RenderedOnce(acknowledgement_of(facts, context.portal_base_url))
            recipients = distinct_recipients(data.interlocutor, data.notify)
            deliveries += new_deliveries(origin, recipients, emails, context)
        added = await add_deliveries(session, deliveries)
        log.info(
            "acknowledgements recorded",
            declaration_ids=[d.declaration_id for d in declarations],
            count=added,
        )

    return handle
