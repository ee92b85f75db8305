"""Who made a change, as a recipient to leave out.

A person is never emailed about what they just did themselves in the portal (their
own comment, their confirmation, their cancellation): the portal showed it to them,
and a copy of one's own words is the noise people complain about. Everybody else on
the ticket is told.
"""

from __future__ import annotations

from notification.domain.threads import thread_key
from ticketing_common.events.parts import ActorKind
from ticketing_common.events.ticket_updated import TicketChangeV1, TicketSnapshotV1


def author_address(change: TicketChangeV1, ticket: TicketSnapshotV1) -> str | None:
    """The author's address when the author is a customer we can name, compared as
    threads compare addresses; None otherwise (agents and the system are not on the
    ticket's list of recipients)."""
    actor = change.actor
    if actor.kind is not ActorKind.CUSTOMER:
        return None
    if actor.email:
        return thread_key(actor.email)
    # Without an address in the event, the declaring user is still recognised.
    declarer = ticket.declared_by
    if actor.sub is not None and actor.sub == declarer.sub and declarer.email:
        return thread_key(declarer.email)
    return None
