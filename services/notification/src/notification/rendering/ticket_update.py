"""The emails of a ticket's life: its number, its status changes, its comments.

Every one of them names the ticket and the customer's reference in a subject that
stays the same for the whole incident (mail clients keep a conversation together only
while its subject does), says what happened in its first line, gives the status in
words and the latest public comment, and links to the incident in the portal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from notification.domain.delivery import DeliveryKind
from notification.domain.headers import clean_header
from notification.domain.links import incident_link
from notification.domain.updates import has_text
from notification.rendering.formatting import format_moment, in_offset_of
from notification.rendering.render import RenderedEmail, RenderFor, render_email, shown_name
from notification.rendering.text import clean_paragraphs
from ticketing_common.events.parts import ActorKind
from ticketing_common.events.ticket_updated import TicketChangeV1, TicketSnapshotV1
from ticketing_common.reference import NATURE_LABELS, STATUS_LABELS, Language


@dataclass(frozen=True)
class ShownComment:
    """A public comment as an email shows it."""

    body: str
    at: datetime
    author_kind: ActorKind
    # A customer's name; agents are shown as the support team, never by name.
    author_name: str | None


@dataclass(frozen=True)
class TicketEmail:
    """What one email about one change says, before it is put into a language."""

    kind: DeliveryKind
    ticket: TicketSnapshotV1
    change: TicketChangeV1
    # This change's own public comment, if it has one.
    comment: ShownComment | None
    # Otherwise, the latest public comment of an earlier change, if any.
    earlier_comment: ShownComment | None
    # The ticket store's auto-close delay, when notification knows it.
    auto_close_after: timedelta | None


def comment_of(change: TicketChangeV1) -> ShownComment | None:
    """The change's comment, when customers may read it."""
    if not change.public or not has_text(change.comment):
        return None
    assert change.comment is not None
    actor = change.actor
    return ShownComment(
        body=change.comment,
        at=change.at,
        author_kind=actor.kind,
        author_name=actor.name if actor.kind is ActorKind.CUSTOMER else None,
    )


def render_ticket_email(
    email: TicketEmail,
    *,
    recipient_name: str | None,
    language: Language,
    portal_base_url: str,
) -> RenderedEmail:
    return ticket_email_of(email, portal_base_url)(language, shown_name(recipient_name))


def ticket_email_of(email: TicketEmail, portal_base_url: str) -> RenderFor:
    """The email about ``email``'s change, to be rendered per language and recipient."""
    ticket = email.ticket
    change = email.change
    # The service-level targets are news when the ticket is registered; repeated in
    # every email they would only be noise.
    sla = ticket.sla if email.kind is DeliveryKind.REGISTERED else None
    resolved_at = ticket.resolved_at
    if resolved_at is None and email.kind is DeliveryKind.RESOLVED:
        resolved_at = change.at
    auto_close_at = (
        resolved_at + email.auto_close_after
        if resolved_at is not None and email.auto_close_after is not None
        else None
    )
    actor = change.actor

    def render(language: Language, recipient_name: str | None) -> RenderedEmail:
        def moment(value: datetime | None) -> str | None:
            if value is None:
                return None
            return format_moment(in_offset_of(value, ticket.occurred_at), language)

        def shown(comment: ShownComment | None) -> dict[str, Any] | None:
            if comment is None:
                return None
            return {
                "body": clean_paragraphs(comment.body),
                "at": moment(comment.at),
                "author_kind": comment.author_kind.value,
                "author_name": clean_header(comment.author_name or "") or None,
            }

        # One-line fields stay on one line in the bodies too, so that none can forge a
        # line of its own under the reader's eyes.
        return render_email(
            email.kind.value,
            language,
            {
                "recipient_name": recipient_name,
                "ticket_number": clean_header(ticket.ticket_number),
                "reference": clean_header(ticket.customer_reference or "") or None,
                "element": clean_header(ticket.element_id),
                "region": clean_header(ticket.region or "") or None,
                "nature": NATURE_LABELS[ticket.nature][language],
                "status": STATUS_LABELS[ticket.status][language],
                "status_code": ticket.status.value,
                "priority": ticket.priority.value,
                "link": incident_link(portal_base_url, ticket.declaration_id),
                "action": change.action or "",
                "to_status": change.to_status.value if change.to_status else "",
                "actor_kind": actor.kind.value,
                "actor_name": clean_header(actor.name or "")
                if actor.kind is ActorKind.CUSTOMER
                else "",
                "reason": clean_paragraphs(change.reason or "") or None,
                "comment": shown(email.comment),
                "earlier_comment": shown(email.earlier_comment),
                "response_due": moment(sla.response_due_at) if sla else None,
                "resolution_due": moment(sla.resolution_due_at) if sla else None,
                "sla_paused": bool(ticket.sla and ticket.sla.paused),
                "auto_close_at": moment(auto_close_at),
            },
        )

    return render
