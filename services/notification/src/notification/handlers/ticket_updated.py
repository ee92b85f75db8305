"""On ``ticket.updated``: remember the ticket, and write to its people when the change
concerns them (``domain.updates``), each in their language, except its author."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.delivery_store import NewDelivery, add_deliveries
from notification.adapters.known_tickets import (
    KnownComment,
    latest_comment_before,
    record_public_comment,
    record_ticket,
)
from notification.domain.authorship import author_address
from notification.domain.recipients import distinct_recipients
from notification.domain.threads import new_message_id, thread_key
from notification.domain.updates import email_kind_for
from notification.handlers.context import EmailContext
from notification.rendering.ticket_update import (
    ShownComment,
    TicketEmail,
    comment_of,
    render_ticket_email,
)
from ticketing_common.events import CloudEvent, TicketUpdatedV1
from ticketing_common.events.parts import ActorKind
from ticketing_common.logging import get_logger
from ticketing_common.messaging.consumer import Handler

log = get_logger(__name__)


def on_ticket_updated(context: EmailContext) -> Handler:
    async def handle(session: AsyncSession, event: CloudEvent[Any]) -> None:
        """Record the deliveries the change calls for, in the consumer's transaction
        (next to the inbox row): a redelivered event adds nothing."""
        data: TicketUpdatedV1 = event.data
        ticket, change = data.ticket, data.change
        await record_ticket(
            session,
            declaration_id=ticket.declaration_id,
            ticket_number=ticket.ticket_number,
            version=data.version,
        )
        comment = comment_of(change)
        if comment is not None:
            await record_public_comment(
                session,
                declaration_id=ticket.declaration_id,
                comment=KnownComment(
                    body=comment.body,
                    at=comment.at,
                    author_kind=comment.author_kind.value,
                    author_name=comment.author_name,
                    version=data.version,
                ),
            )
        kind = email_kind_for(change)
        if kind is None:
            log.info(
                "no email for this change",
                ticket_number=ticket.ticket_number,
                version=data.version,
                change=change.kind.value,
                public=change.public,
            )
            return
        earlier = None
        if comment is None:
            earlier = _shown(
                await latest_comment_before(
                    session, declaration_id=ticket.declaration_id, version=data.version
                )
            )
        email = TicketEmail(
            kind=kind,
            ticket=ticket,
            change=change,
            comment=comment,
            earlier_comment=earlier,
            auto_close_after=context.auto_close_after,
        )
        author = author_address(change, ticket)
        deliveries = []
        for recipient in distinct_recipients(ticket.interlocutor, ticket.notify):
            if author is not None and thread_key(recipient.email) == author:
                continue
            rendered = render_ticket_email(
                email,
                recipient_name=recipient.name,
                language=recipient.language,
                portal_base_url=context.portal_base_url,
            )
            deliveries.append(
                NewDelivery(
                    event_id=event.id,
                    declaration_id=ticket.declaration_id,
                    org_id=ticket.org_id,
                    ticket_number=ticket.ticket_number,
                    ticket_version=data.version,
                    kind=kind.value,
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
        log.info(
            "ticket emails recorded",
            ticket_number=ticket.ticket_number,
            version=data.version,
            kind=kind.value,
            count=added,
        )

    return handle


def _shown(known: KnownComment | None) -> ShownComment | None:
    if known is None:
        return None
    kind = ActorKind(known.author_kind)
    return ShownComment(
        body=known.body,
        at=known.at,
        author_kind=kind,
        author_name=known.author_name if kind is ActorKind.CUSTOMER else None,
    )
