"""Changing one ticket on somebody's request: the steps every command goes through.

1. Find the ticket; one the caller may not see does not exist for them.
2. Refuse a change decided blind: where a version is required, it must be given.
3. Refuse what can be refused without the ticket's state (the role, missing inputs).
4. Refuse a change decided on another version than the ticket's (412).
5. Bring the SLA clock up to date (breaches become changes of their own), then decide.
6. Record every outcome: the ticket only if still at the expected version, its history
   entry, its event; all in one transaction, or nothing.

Without a version (a comment may be posted without one, since comments do not depend on
what the writer saw), there is nothing to be stale against: the ticket is read
``FOR UPDATE`` and concurrent comments queue up, each on the version the previous left.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ticket_store.adapters.tables import HistoryEntry, Ticket
from ticket_store.adapters.ticket_writes import record_outcome
from ticket_store.adapters.work_rows import work_of
from ticket_store.domain.breaches import flag_breaches
from ticket_store.domain.work import Outcome, TicketWork
from ticket_store.handlers.desk import Desk
from ticket_store.metrics import count_committed
from ticketing_common.db.engine import SessionFactory

# The rules' decision on the ticket as it stands, at a given time.
Decision = Callable[[TicketWork, datetime], Outcome]
# Whether the caller may see the ticket (its organization and contract).
MaySee = Callable[[Ticket], bool]


class TicketNotFound(Exception):
    pass


class VersionRequired(Exception):
    pass


class VersionMismatch(Exception):
    def __init__(self, current: int) -> None:
        super().__init__(f"the ticket is at version {current}")
        self.current = current


@dataclass(frozen=True)
class TicketChanged:
    ticket: Ticket
    # The entry of the change asked for (breaches recorded before it have their own).
    entry: HistoryEntry


@dataclass(frozen=True)
class ChangeRequest:
    ticket_number: str
    may_see: MaySee
    # The versions the caller accepts (If-Match); None when none was given.
    versions: frozenset[int] | None
    version_required: bool
    # Raises what can be refused without the ticket's state.
    precheck: Callable[[], None]
    decide: Decision


async def change_ticket(
    session_factory: SessionFactory, desk: Desk, request: ChangeRequest
) -> TicketChanged:
    async with session_factory.begin() as session:
        ticket = await session.get(
            Ticket, request.ticket_number, with_for_update=request.versions is None
        )
        if ticket is None or not request.may_see(ticket):
            raise TicketNotFound(request.ticket_number)
        if request.versions is None and request.version_required:
            raise VersionRequired
        request.precheck()
        if request.versions is not None and ticket.version not in request.versions:
            raise VersionMismatch(ticket.version)
        now = desk.clock()
        outcomes = flag_breaches(work_of(ticket), now)
        outcomes.append(request.decide(outcomes[-1].work if outcomes else work_of(ticket), now))
        recorded: tuple[Ticket, HistoryEntry] | None = None
        for outcome in outcomes:
            recorded = await record_outcome(session, request.ticket_number, outcome)
    assert recorded is not None
    count_committed(outcomes)
    return TicketChanged(*recorded)
