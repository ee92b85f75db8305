"""The consumer's handlers against a real, migrated database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from search.adapters.incident_writes import INCIDENTS, apply_incidents
from search.adapters.tables import Incident, IncidentChange, JournalEntry, Site
from search.domain.projection import record_from_declaration
from search.handlers.incidents import projection_of
from ticketing_common.db.engine import SessionFactory
from ticketing_common.events.incident_declared import DeclaredSiteV1
from ticketing_common.events.parts import Person
from ticketing_common.events.ticket_updated import ChangeKind, TicketSlaV1
from ticketing_common.messaging.consumer import RejectEvent
from ticketing_common.reference import Priority, TicketStatus

from .conftest import apply_events
from .factories import declared, declared_data, ticket_updated, unique


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


async def test_a_ticket_whose_versions_disagree_is_rejected() -> None:
    event = ticket_updated(declared().data, version=2, event_version=3)
    with pytest.raises(RejectEvent):
        projection_of(event.type, event.data.model_dump(mode="json"))


async def test_data_a_known_type_cannot_be_read_as_is_rejected() -> None:
    with pytest.raises(RejectEvent, match=r"invalid data for ticket\.updated\.v1"):
        projection_of("ticket.updated.v1", {"ticket": {"version": "x"}})


async def test_an_internal_change_is_applied_without_moving_the_incident(
    session_factory: SessionFactory,
) -> None:
    event = declared()
    created = ticket_updated(event.data, version=1)
    note = ticket_updated(
        event.data,
        version=2,
        public=False,
        kind=ChangeKind.ASSIGNED,
        assignee=Person(sub="u-ops-2", name="Alex Agent"),
        sla=TicketSlaV1(response_breached=True),
    )
    await apply_events(session_factory, [event, created, note])
    incident = await row(session_factory, event.data.declaration_id)
    assert incident.ticket_version == 2
    assert (incident.assignee_sub, incident.assignee_name) == ("u-ops-2", "Alex Agent")
    assert incident.sla is not None
    assert incident.sla["response_breached"] is True
    # The list's order is the customers': a note between agents does not move it.
    assert incident.updated_at == created.data.ticket.updated_at
    changes = await changes_of(session_factory, event.data.declaration_id)
    assert [(change.kind, change.public) for change in changes] == [
        ("declared", True),
        ("created", True),
        ("assigned", False),
    ]


async def test_each_applied_change_is_logged_once_and_stale_ones_not_at_all(
    session_factory: SessionFactory,
) -> None:
    event = declared()
    first = ticket_updated(event.data, version=1)
    second = ticket_updated(event.data, version=2, status=TicketStatus.IN_PROGRESS)
    await apply_events(session_factory, [event, second, first, second, event])
    changes = await changes_of(session_factory, event.data.declaration_id)
    assert [change.kind for change in changes] == ["declared", "status_changed"]
    last = changes[-1]
    assert last.incident is not None
    assert last.incident["status"] == "in_progress"
    assert last.change is not None
    assert last.change["to_status"] == "in_progress"
    assert (last.org_id, last.contract_id) == (event.data.org_id, event.data.contract_id)
    ids = [change.id for change in changes]
    assert ids == sorted(ids)


async def test_every_event_is_journaled_with_its_facts(
    session_factory: SessionFactory,
) -> None:
    event = declared()
    ticket = ticket_updated(event.data, version=1)
    await apply_events(session_factory, [event, ticket])
    async with session_factory() as session:
        entries = (
            await session.scalars(
                select(JournalEntry)
                .where(JournalEntry.correlation_id == event.data.declaration_id)
                .order_by(JournalEntry.seq)
            )
        ).all()
    assert [(entry.event_id, entry.type) for entry in entries] == [
        (event.id, "incident.declared.v1"),
        (ticket.id, "ticket.updated.v1"),
    ]
    assert [entry.org_id for entry in entries] == [event.data.org_id] * 2
    assert [entry.ticket_number for entry in entries] == [
        None,
        ticket.data.ticket.ticket_number,
    ]
    assert entries[1].subject == ticket.data.ticket.ticket_number
    assert entries[0].envelope == json.loads(event.to_json_bytes())


async def test_a_declaration_describes_its_site_for_the_map(
    session_factory: SessionFactory,
) -> None:
    site_id = unique("SITE")
    event = declared(
        site_id=site_id, site=DeclaredSiteV1(name="Rennes", latitude=48.12, longitude=-1.61)
    )
    await apply_events(session_factory, [event])
    async with session_factory() as session:
        site = await session.get(Site, site_id)
    assert site is not None
    assert (site.org_id, site.name, site.latitude, site.longitude) == (
        event.data.org_id,
        "Rennes",
        48.12,
        -1.61,
    )


async def changes_of(factory: SessionFactory, declaration_id: str) -> list[IncidentChange]:
    async with factory() as session:
        rows = await session.scalars(
            select(IncidentChange)
            .where(IncidentChange.declaration_id == declaration_id)
            .order_by(IncidentChange.id)
        )
        return list(rows.all())


async def test_the_rebuild_writes_more_rows_than_one_statement_may_carry(
    session_factory: SessionFactory,
) -> None:
    records = [
        record_from_declaration(declared_data(declaration_id=unique("bulk"))) for _ in range(3000)
    ]
    async with session_factory.begin() as session:
        await apply_incidents(session, records, INCIDENTS)
    async with session_factory() as session:
        count = await session.scalar(
            select(func.count()).where(
                Incident.declaration_id.in_([record.declaration_id for record in records])
            )
        )
    assert count == 3000
