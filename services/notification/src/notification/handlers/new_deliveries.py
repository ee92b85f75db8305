"""The deliveries an event calls for: one per recipient, each in their language, with
its own ``Message-ID``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from notification.adapters.delivery_store import NewDelivery
from notification.domain.delivery import DeliveryKind
from notification.domain.threads import new_message_id
from notification.handlers.context import EmailContext
from notification.rendering.per_recipient import RenderedOnce
from ticketing_common.events.parts import Recipient


@dataclass(frozen=True)
class EmailOrigin:
    """What the emails of one event share."""

    event_id: str
    declaration_id: str
    org_id: str
    ticket_number: str | None
    # The ticket version whose change the emails report; None for the acknowledgement.
    ticket_version: int | None
    kind: DeliveryKind


def new_deliveries(
    origin: EmailOrigin,
    recipients: Iterable[Recipient],
    emails: RenderedOnce,
    context: EmailContext,
) -> list[NewDelivery]:
    deliveries = []
    for recipient in recipients:
        rendered = emails.for_recipient(recipient.name, recipient.language)
        deliveries.append(
            NewDelivery(
                event_id=origin.event_id,
                declaration_id=origin.declaration_id,
                org_id=origin.org_id,
                ticket_number=origin.ticket_number,
                ticket_version=origin.ticket_version,
                kind=origin.kind.value,
                recipient_email=recipient.email.strip(),
                recipient_name=recipient.name,
                language=recipient.language.value,
                subject=rendered.subject,
                body_text=rendered.text,
                body_html=rendered.html,
                message_id=new_message_id(context.message_id_domain),
            )
        )
    return deliveries
