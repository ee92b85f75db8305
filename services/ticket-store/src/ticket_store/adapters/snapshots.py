"""A ticket row as the ``ticket.updated.v1`` contract shows it."""

from __future__ import annotations

from typing import TypeVar

from ticket_store.adapters.tables import TicketRecord
from ticket_store.adapters.work_rows import sla_of
from ticket_store.domain.sla import SlaClock
from ticketing_common.events.parts import OnsiteContact, Person, Recipient
from ticketing_common.events.ticket_updated import TicketSlaV1, TicketSnapshotV1
from ticketing_common.reference import ImpactedUsers, MainUsage, Nature, Priority, TicketStatus


def clock_snapshot(clock: SlaClock) -> TicketSlaV1:
    return TicketSlaV1(
        response_due_at=clock.response_due_at,
        resolution_due_at=clock.resolution_due_at,
        responded_at=clock.responded_at,
        paused=clock.paused,
        response_breached=clock.response_breached_at is not None,
        resolution_breached=clock.resolution_breached_at is not None,
    )


def sla_snapshot(ticket: TicketRecord) -> TicketSlaV1:
    return clock_snapshot(sla_of(ticket))


SnapshotT = TypeVar("SnapshotT", bound=TicketSnapshotV1)


def snapshot(ticket: TicketRecord) -> TicketSnapshotV1:
    return snapshot_as(TicketSnapshotV1, ticket)


def snapshot_as(model: type[SnapshotT], ticket: TicketRecord) -> SnapshotT:
    """The snapshot as ``model`` (the contract's, or a view built on it), validated once."""
    return model(
        ticket_number=ticket.ticket_number,
        declaration_id=ticket.declaration_id,
        org_id=ticket.org_id,
        contract_id=ticket.contract_id,
        element_id=ticket.element_id,
        region=ticket.region,
        site_id=ticket.site_id,
        nature=Nature(ticket.nature),
        impacted_users=ImpactedUsers(ticket.impacted_users),
        main_usage=MainUsage(ticket.main_usage),
        priority=Priority(ticket.priority),
        status=TicketStatus(ticket.status),
        customer_reference=ticket.customer_reference,
        description=ticket.description,
        occurred_at=ticket.occurred_at,
        declared_by=Person.model_validate(ticket.declared_by),
        interlocutor=Recipient.model_validate(ticket.interlocutor),
        notify=[Recipient.model_validate(item) for item in ticket.notify],
        onsite_contact=OnsiteContact.model_validate(ticket.onsite_contact)
        if ticket.onsite_contact
        else None,
        attachment_ids=list(ticket.attachment_ids),
        assignee=Person.model_validate(ticket.assignee) if ticket.assignee else None,
        priority_overridden=ticket.priority_overridden,
        sla=sla_snapshot(ticket),
        resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        version=ticket.version,
    )
