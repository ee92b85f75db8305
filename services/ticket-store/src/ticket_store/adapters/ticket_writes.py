"""Recording one change: the ticket, its history entry and its event, in one transaction.

The ticket is written only if it still has the version the change was decided on
(``UPDATE ... WHERE version = :expected``): of two writers who read the same version,
the second finds no row and gets ``StaleVersion``, and its transaction is rolled back
with nothing written. The event goes to the outbox in the same transaction, so it is
published if and only if the change commits.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from ticket_store.adapters.snapshots import snapshot
from ticket_store.adapters.tables import HistoryEntry, Ticket
from ticket_store.adapters.work_rows import work_columns
from ticket_store.domain.actors import Actor, ActorRole
from ticket_store.domain.work import Change, Outcome
from ticketing_common.events import TicketUpdatedV1, new_event
from ticketing_common.events.parts import Actor as EventActor
from ticketing_common.events.parts import ActorKind
from ticketing_common.events.ticket_updated import TicketChangeV1
from ticketing_common.outbox import add_to_outbox

SOURCE = "/services/ticket-store"


class StaleVersion(Exception):
    """The ticket changed since the version a change was decided on."""


def actor_kind(actor: Actor) -> ActorKind:
    if actor.role is ActorRole.CUSTOMER:
        return ActorKind.CUSTOMER
    if actor.role is ActorRole.SYSTEM:
        return ActorKind.SYSTEM
    return ActorKind.AGENT


def event_change(change: Change) -> TicketChangeV1:
    return TicketChangeV1(
        kind=change.kind,
        actor=EventActor(
            kind=actor_kind(change.actor),
            sub=change.actor.sub,
            name=change.actor.name,
            email=change.actor.email,
        ),
        public=change.public,
        at=change.at,
        from_status=change.from_status,
        to_status=change.to_status,
        action=change.action,
        comment=change.comment,
        reason=change.reason,
        from_priority=change.from_priority,
        to_priority=change.to_priority,
    )


def history_entry(ticket_number: str, version: int, change: Change) -> HistoryEntry:
    return HistoryEntry(
        ticket_number=ticket_number,
        version=version,
        at=change.at,
        kind=change.kind.value,
        public=change.public,
        actor_kind=actor_kind(change.actor).value,
        actor_sub=change.actor.sub,
        actor_name=change.actor.name,
        from_status=change.from_status.value if change.from_status else None,
        to_status=change.to_status.value if change.to_status else None,
        comment=change.comment,
        action=change.action,
        reason=change.reason,
        from_priority=change.from_priority.value if change.from_priority else None,
        to_priority=change.to_priority.value if change.to_priority else None,
        assignee=change.assignee.model_dump(mode="json") if change.assignee else None,
    )


async def record_outcome(
    session: AsyncSession, ticket_number: str, outcome: Outcome
) -> tuple[Ticket, HistoryEntry]:
    """Write the ticket as ``outcome`` leaves it, its history entry and its event."""
    expected = outcome.work.version - 1
    statement = (
        update(Ticket)
        .where(Ticket.ticket_number == ticket_number, Ticket.version == expected)
        .values(**work_columns(outcome.work))
        .returning(Ticket)
        # The row comes back from RETURNING; nothing is guessed in memory.
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    ticket = (await session.scalars(statement)).one_or_none()
    if ticket is None:
        raise StaleVersion(ticket_number)
    entry = history_entry(ticket_number, ticket.version, outcome.change)
    session.add(entry)
    await session.flush()
    updated = TicketUpdatedV1(
        ticket=snapshot(ticket), version=ticket.version, change=event_change(outcome.change)
    )
    await add_to_outbox(
        session,
        new_event(
            updated,
            source=SOURCE,
            correlation_id=ticket.declaration_id,
            subject=ticket_number,
            time=outcome.change.at,
        ),
    )
    return ticket, entry
