"""Which changes of a ticket are worth an email, and which email.

Customers hear about the steps that concern them: the ticket number once the ticket
exists, every public change of status (with its own wording for a request for
information and for a resolution), and every public comment. Nothing is sent for a
change that is not public, nor for assignments, priority changes and SLA flags, which
the portal shows and which would otherwise drown the emails that matter.
"""

from __future__ import annotations

from notification.domain.delivery import DeliveryKind
from ticketing_common.events.ticket_updated import ChangeKind, TicketChangeV1
from ticketing_common.reference import TicketStatus

REQUEST_INFO_ACTION = "request_info"


def email_kind_for(change: TicketChangeV1) -> DeliveryKind | None:
    """The email a change calls for, or None. One change makes at most one email per
    recipient: a status change carries its comment with it."""
    if not change.public:
        return None
    if change.kind is ChangeKind.CREATED:
        return DeliveryKind.REGISTERED
    if change.action == REQUEST_INFO_ACTION:
        return DeliveryKind.INFORMATION_REQUESTED
    if status_changed(change):
        if change.to_status is TicketStatus.PENDING_CUSTOMER:
            return DeliveryKind.INFORMATION_REQUESTED
        if change.to_status is TicketStatus.RESOLVED:
            return DeliveryKind.RESOLVED
        return DeliveryKind.STATUS_CHANGED
    if has_text(change.comment):
        return DeliveryKind.COMMENT_ADDED
    return None


def status_changed(change: TicketChangeV1) -> bool:
    """Whether the change moved the ticket to another status. A change of another kind
    counts only when it names both statuses (a customer's comment that puts a waiting
    ticket back in progress), so that a status merely repeated on an assignment is
    not taken for a move."""
    if change.to_status is None or change.to_status == change.from_status:
        return False
    return change.from_status is not None or change.kind is ChangeKind.STATUS_CHANGED


def has_text(value: str | None) -> bool:
    return value is not None and bool(value.strip())
