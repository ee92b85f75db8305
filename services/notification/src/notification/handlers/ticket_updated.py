"""On ``ticket.updated``: remember the ticket, and write to its people when the change
concerns them (``domain.updates``), each in their language, except its author."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.delivery_store import NewDelivery, add_deliveries
from notification.adapters.known_tickets import KnownComment, record_ticket_change
from notification.domain.authorship import author_address
from notification.domain.recipients import distinct_recipients
from notification.domain.threads import thread_key
from notification.domain.updates import email_kind_for
from notification.handlers.context import EmailContext
from notification.handlers.new_deliveries import EmailOrigin, new_deliveries
from notification.rendering.per_recipient import RenderedOnce
from notification.rendering.ticket_update import (
    ShownComment,
    TicketEmail,
    comment_of,
    ticket_email_of,
)
from ticketing_common.events import CloudEvent, TicketUpdatedV1
from ticketing_common.events.parts import ActorKind
from ticketing_common.logging import get_logger
from ticketing_common.messaging.consumer import BatchHandler

log = get_logger(__name__)


def on_tickets_updated(context: EmailContext) -> BatchHandler:
    async def handle(session: AsyncSession, events: Sequence[CloudEvent[Any]]) -> None:
        """Record the deliveries a run of changes calls for, in the consumer's
        transaction (next to the inbox rows): a redelivered event adds nothing.

        Each change is recorded in its order (an email repeats the latest comment
        before its own change), their deliveries all at once.
        """
        deliveries: list[NewDelivery] = []
        for event in events:
            deliveries += await _emails_of_change(session, event, context)
        added = await add_deliveries(session, deliveries)
        if deliveries:
            log.info("ticket emails recorded", changes=len(events), count=added)

    return handle


async def _emails_of_change(
    session: AsyncSession, event: CloudEvent[Any], context: EmailContext
) -> list[NewDelivery]:
    data: TicketUpdatedV1 = event.data
    ticket, change = data.ticket, data.change
    comment = comment_of(change)
    earlier = await record_ticket_change(
        session,
        declaration_id=ticket.declaration_id,
        ticket_number=ticket.ticket_number,
        version=data.version,
        comment=KnownComment(
            body=comment.body,
            at=comment.at,
            author_kind=comment.author_kind.value,
            author_name=comment.author_name,
            version=data.version,
        )
        if comment is not None
        else None,
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
        return []
    email = TicketEmail(
        kind=kind,
        ticket=ticket,
        change=change,
        comment=comment,
        earlier_comment=_shown(earlier) if comment is None else None,
        auto_close_after=context.auto_close_after,
    )
    author = author_address(change, ticket)
    recipients = [
        recipient
        for recipient in distinct_recipients(ticket.interlocutor, ticket.notify)
        if author is None or thread_key(recipient.email) != author
    ]
    origin = EmailOrigin(
        event_id=event.id,
        declaration_id=ticket.declaration_id,
        org_id=ticket.org_id,
        ticket_number=ticket.ticket_number,
        ticket_version=data.version,
        kind=kind,
    )
    emails = RenderedOnce(ticket_email_of(email, context.portal_base_url))
    return new_deliveries(origin, recipients, emails, context)


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
