"""Registering a run of declarations at once, as the consumer hands a batch over."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from ticket_store.adapters.snapshots import snapshot
from ticket_store.adapters.tables import HistoryEntry, Ticket
from ticket_store.handlers.registration import register_tickets
from ticket_store.runtime import TicketStoreRuntime
from ticketing_common.db.messaging_tables import outbox
from ticketing_common.events import CloudEvent
from ticketing_common.events.ticket_updated import TicketUpdatedV1
from ticketing_common.reference import ImpactedUsers, MainUsage

from .support import MovableClock, apply_run, declared, replay_of, ticket_of


async def announcements(runtime: TicketStoreRuntime, correlation_ids: set[str]) -> list[Any]:
    """The ``ticket.updated`` events of these declarations, in the outbox's order."""
    async with runtime.session_factory() as session:
        bodies = await session.scalars(
            select(outbox.c.body)
            .where(outbox.c.correlation_id.in_(correlation_ids))
            .order_by(outbox.c.id)
        )
        return [json.loads(body) for body in bodies]


async def count_of(runtime: TicketStoreRuntime, declaration_id: str) -> tuple[int, int]:
    """(tickets, history entries) of a declaration."""
    async with runtime.session_factory() as session:
        tickets = await session.scalar(
            select(func.count()).where(Ticket.declaration_id == declaration_id)
        )
        entries = await session.scalar(
            select(func.count())
            .select_from(HistoryEntry)
            .join(Ticket, Ticket.ticket_number == HistoryEntry.ticket_number)
            .where(Ticket.declaration_id == declaration_id)
        )
    return int(tickets or 0), int(entries or 0)


async def test_a_run_registers_each_declaration_in_its_order_with_its_own_rules(
    runtime: TicketStoreRuntime, clock: MovableClock
) -> None:
    registered_at = clock.set(clock())
    kinds = [
        (ImpactedUsers.ALL_USERS, MainUsage.PRODUCTION, "P1", timedelta(minutes=30)),
        (ImpactedUsers.ONE_USER, MainUsage.DEVELOPMENT, "P4", timedelta(days=1)),
        (ImpactedUsers.ONE_SITE, MainUsage.PRODUCTION, "P2", timedelta(hours=1)),
        (ImpactedUsers.SEVERAL_USERS, MainUsage.BACKUP, "P3", timedelta(hours=4)),
    ]
    events: list[CloudEvent[Any]] = [
        declared(impacted_users=impact, main_usage=usage) for impact, usage, _p, _r in kinds
    ]
    await apply_run(runtime, events)
    tickets = [await ticket_of(runtime.session_factory, e.data.declaration_id) for e in events]
    numbers = [ticket.ticket_number for ticket in tickets]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == len(numbers)
    for ticket, (_impact, _usage, priority, response) in zip(tickets, kinds, strict=True):
        assert (ticket.priority, ticket.status, ticket.version) == (priority, "new", 1)
        assert ticket.created_at == ticket.updated_at == registered_at
        assert ticket.response_due_at == registered_at + response
    announced = await announcements(runtime, {e.correlationid for e in events})
    # Announced in the order declared, each with the ticket exactly as it was written.
    assert [a["subject"] for a in announced] == numbers
    for body, ticket in zip(announced, tickets, strict=True):
        assert body["type"] == TicketUpdatedV1.event_type
        update = TicketUpdatedV1.model_validate(body["data"])
        assert update.ticket == snapshot(ticket)
        assert (update.version, update.change.kind.value) == (1, "created")
    for event in events:
        assert await count_of(runtime, event.data.declaration_id) == (1, 1)


async def test_a_declaration_twice_in_one_run_is_registered_once(
    runtime: TicketStoreRuntime,
) -> None:
    first, other = declared(), declared()
    await apply_run(runtime, [first, other, replay_of(first)])
    assert await count_of(runtime, first.data.declaration_id) == (1, 1)
    assert await count_of(runtime, other.data.declaration_id) == (1, 1)
    announced = await announcements(runtime, {first.correlationid, other.correlationid})
    assert [a["correlationid"] for a in announced] == [first.correlationid, other.correlationid]


async def test_a_run_registers_the_new_declarations_beside_the_replayed_ones(
    runtime: TicketStoreRuntime,
) -> None:
    earlier = declared()
    await apply_run(runtime, [earlier])
    before = await ticket_of(runtime.session_factory, earlier.data.declaration_id)
    later = declared()
    await apply_run(runtime, [replay_of(earlier), later])
    assert await count_of(runtime, earlier.data.declaration_id) == (1, 1)
    assert await count_of(runtime, later.data.declaration_id) == (1, 1)
    after = await ticket_of(runtime.session_factory, earlier.data.declaration_id)
    assert (after.ticket_number, after.version) == (before.ticket_number, 1)
    assert len(await announcements(runtime, {earlier.correlationid})) == 1


async def test_two_replicas_registering_one_declaration_at_once_make_one_ticket(
    runtime: TicketStoreRuntime,
) -> None:
    event = declared()
    factory, desk = runtime.session_factory, runtime.desk

    async def second_replica() -> None:
        async with factory.begin() as session:
            await register_tickets(session, [replay_of(event)], desk)

    async with factory.begin() as session:
        await register_tickets(session, [event], desk)
        # The other numbers the declaration too (this ticket is not committed yet),
        # then waits on the declaration's unique key until this transaction ends.
        racing = asyncio.create_task(second_replica())
        await asyncio.sleep(0.3)
        assert not racing.done()
    # It then writes nothing, and fails nothing.
    await asyncio.wait_for(racing, timeout=10)
    assert await count_of(runtime, event.data.declaration_id) == (1, 1)
    assert len(await announcements(runtime, {event.correlationid})) == 1
