"""The merge rule of the read model, without a database."""

from __future__ import annotations

from dataclasses import replace

from search.domain.incident import merge
from search.domain.projection import record_from_declaration, record_from_ticket
from search.domain.status import IncidentStatus
from ticketing_common.reference import Priority, TicketStatus

from .factories import declared_data, ticket_updated


def test_incident_statuses_are_registering_and_every_ticket_status() -> None:
    assert {status.value for status in IncidentStatus} == {"registering"} | {
        status.value for status in TicketStatus
    }


def test_a_declaration_alone_is_registering_since_it_was_declared() -> None:
    data = declared_data()
    record = record_from_declaration(data)
    assert record.status is IncidentStatus.REGISTERING
    assert record.ticket_number is None
    assert record.priority is None
    assert record.ticket_version == 0
    assert record.updated_at == data.declared_at == record.declared_at


def test_a_ticket_brings_its_number_status_priority_and_time() -> None:
    data = declared_data()
    event = ticket_updated(data, version=2, status=TicketStatus.IN_PROGRESS, priority=Priority.P1)
    record = record_from_ticket(event.data)
    assert record.ticket_number == event.data.ticket.ticket_number
    assert record.status is IncidentStatus.IN_PROGRESS
    assert record.priority is Priority.P1
    assert record.ticket_version == 2
    assert record.updated_at == event.data.ticket.updated_at
    assert record.declared_at is None


def test_a_newer_ticket_replaces_the_ticket_data_and_keeps_declared_at() -> None:
    data = declared_data()
    registering = record_from_declaration(data)
    ticket = record_from_ticket(ticket_updated(data, version=1).data)
    assert merge(registering, ticket) == replace(ticket, declared_at=data.declared_at)


def test_an_older_or_equal_ticket_changes_nothing() -> None:
    data = declared_data()
    newer = record_from_ticket(ticket_updated(data, version=3).data)
    older = record_from_ticket(ticket_updated(data, version=2, status=TicketStatus.NEW).data)
    assert merge(newer, older) == newer
    assert merge(newer, newer) == newer


def test_a_late_declaration_only_fills_declared_at() -> None:
    data = declared_data()
    ticket = record_from_ticket(ticket_updated(data, version=1).data)
    assert merge(ticket, record_from_declaration(data)) == replace(
        ticket, declared_at=data.declared_at
    )


def test_a_declaration_never_erases_a_known_declared_at() -> None:
    first = record_from_declaration(declared_data())
    again = replace(first, declared_at=None)
    assert merge(first, again) == first
