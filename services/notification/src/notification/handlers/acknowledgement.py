"""On ``incident.declared``: one acknowledgement per recipient, in their language."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.delivery_store import NewDelivery, add_deliveries
from notification.adapters.known_tickets import ticket_number_of
from notification.domain.delivery import DeliveryKind
from notification.domain.recipients import distinct_recipients
from notification.domain.threads import new_message_id
from notification.handlers.context import EmailContext
from notification.rendering.acknowledgement import DeclarationFacts, render_acknowledgement
from ticketing_common.events import CloudEvent, IncidentDeclaredV1
from ticketing_common.logging import get_logger
from ticketing_common.messaging.consumer import Handler

log = get_logger(__name__)


def acknowledge_declaration(context: EmailContext) -> Handler:
    async def handle(session: AsyncSession, event: CloudEvent[Any]) -> None:
        """Record the deliveries; the sender sends them once this transaction (which
        also records the event in the inbox) commits."""
        data: IncidentDeclaredV1 = event.data
        # Known already if the ticket's event overtook this one.
        facts = DeclarationFacts.of(data, await ticket_number_of(session, data.declaration_id))
        deliveries = []
        for recipient in distinct_recipients(data.interlocutor, data.notify):
            rendered = render_acknowledgement(
                facts,
                recipient_name=recipient.name,
                language=recipient.language,
                portal_base_url=context.portal_base_url,
            )
            deliveries.append(
                NewDelivery(
                    event_id=event.id,
                    declaration_id=data.declaration_id,
                    org_id=data.org_id,
                    ticket_number=facts.ticket_number,
                    ticket_version=None,
                    kind=DeliveryKind.ACKNOWLEDGEMENT.value,
                    recipient_email=recipient.email.strip(),
                    recipient_name=recipient.name,
                    language=recipient.language.value,
                    subject=rendered.subject,
                    body_text=rendered.text,
                    body_html=rendered.html,
                    message_id=new_message_id(context.message_id_domain),
                )
            )
        added = await add_deliveries(session, deliveries)
        log.info("acknowledgements recorded", declaration_id=data.declaration_id, count=added)

    return handle
