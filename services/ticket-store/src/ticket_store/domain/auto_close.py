"""Closing a resolved ticket the customer leaves alone.

"Alone" means no change at all since: a comment from either side postpones it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ticket_store.domain.actors import SYSTEM
from ticket_store.domain.lifecycle import Action
from ticket_store.domain.refusals import NotAllowed
from ticket_store.domain.sla import SlaPolicy
from ticket_store.domain.transitions import transition
from ticket_store.domain.work import Outcome, TicketWork
from ticketing_common.reference import TicketStatus


def auto_close_due(work: TicketWork, *, at: datetime, after: timedelta) -> bool:
    return work.status is TicketStatus.RESOLVED and work.updated_at + after <= at


def auto_close(work: TicketWork, *, at: datetime, after: timedelta, policy: SlaPolicy) -> Outcome:
    if not auto_close_due(work, at=at, after=after):
        raise NotAllowed("the ticket is not due for closing", code="not_due")
    return transition(work, Action.AUTO_CLOSE, SYSTEM, at=at, policy=policy)
