"""The consumer's handlers against a real, migrated database."""

from __future__ import annotations

import pytest

from search.adapters.tables import Incident
from search.handlers.incidents import on_ticket_updated
from ticketing_common.db.engine import SessionFactory
from ticketing_common.messaging.consumer import RejectEvent
from ticketing_common.reference import Priority, TicketStatus

from .conftest import apply_events
from .factories import declared, ticket_updated


async def row(factory: SessionFactory, declaration_id: str) -> Incident:
    async with factory() as session:
        found = await session.get(Incident, declaration_id)
    assert found is not None
    return found


async def test_a_declaration_appears_as_registering(session_factory: SessionFactory) -> None:
    event = declared()
    await apply_events(session_factory, [event])
    incident = await row(session_factory, event.data.declaration_id)
    assert incident.status == "registering"
    assert incident.ticket_number is None
    assert incident.priority is None
    assert incident.ticket_version == 0
    assert incident.declared_at == event.data.declared_at
    assert incident.updated_at == event.data.declared_at
    assert incident.org_id == event.data.org_id
    assert incident.contract_id == event.data.contract_id
    assert incident.description == event.data.description


async def test_the_ticket_then_its_changes_are_applied(session_factory: SessionFactory) -> None:
    event = declared()
    first = ticket_updated(event.data, version=1)
    second = ticket_updated(
        event.data, version=2, status=TicketStatus.IN_PROGRESS, priority=Priority.P1
    )
    await apply_events(session_factory, [event, first, second])
    incident = await row(session_factory, event.data.declaration_id)
    assert incident.status == "in_progress"
    assert incident.priority == "P1"
    assert incident.ticket_number == second.data.ticket.ticket_number
    assert incident.ticket_version == 2
    assert incident.updated_at == second.data.ticket.updated_at
    assert incident.declared_at == event.data.declared_at


async def test_an_older_version_arriving_late_is_ignored(session_factory: SessionFactory) -> None:
    event = declared()
    newer = ticket_updated(event.data, version=3, status=TicketStatus.RESOLVED)
    older = ticket_updated(event.data, version=2, status=TicketStatus.IN_PROGRESS)
    await apply_events(session_factory, [event, newer, older])
    incident = await row(session_factory, event.data.declaration_id)
    assert incident.status == "resolved"
    assert incident.ticket_version == 3
    assert incident.updated_at == newer.data.ticket.updated_at


async def test_a_declaration_after_its_ticket_only_fills_declared_at(
    session_factory: SessionFactory,
) -> None:
    event = declared()
    ticket = ticket_updated(event.data, version=1, customer_reference="Renamed by the agent")
    await apply_events(session_factory, [ticket])
    before = await row(session_factory, event.data.declaration_id)
    assert before.declared_at is None
    assert before.status == "new"

    await apply_events(session_factory, [event])
    after = await row(session_factory, event.data.declaration_id)
    assert after.declared_at == event.data.declared_at
    assert after.status == "new"
    assert after.customer_reference == "Renamed by the agent"
    assert after.ticket_version == 1
    assert after.updated_at == ticket.data.ticket.updated_at


async def test_a_duplicate_declaration_changes_nothing(session_factory: SessionFactory) -> None:
    event = declared()
    ticket = ticket_updated(event.data, version=1)
    await apply_events(session_factory, [event, ticket])
    before = await row(session_factory, event.data.declaration_id)
    await apply_events(session_factory, [event])
    after = await row(session_factory, event.data.declaration_id)
    assert after.status == before.status == "new"
    assert after.updated_at == before.updated_at


async def test_a_ticket_whose_versions_disagree_is_rejected(
    session_factory: SessionFactory,
) -> None:
    event = ticket_updated(declared().data, version=2, event_version=3)
    async with session_factory() as session:
        with pytest.raises(RejectEvent):
            await on_ticket_updated(session, event)
