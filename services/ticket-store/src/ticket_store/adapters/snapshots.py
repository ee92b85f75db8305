"""A ticket row as the ``ticket.updated.v1`` contract shows it."""

from __future__ import annotations

from ticket_store.adapters.tables import Ticket
from ticketing_common.events.parts import OnsiteContact, Person, Recipient
from ticketing_common.events.ticket_updated import TicketSlaV1, TicketSnapshotV1
from ticketing_common.reference import ImpactedUsers, MainUsage, Nature, Priority, TicketStatus


def sla_snapshot(ticket: Ticket) -> TicketSlaV1:
    return TicketSlaV1(
        response_due_at=ticket.response_due_at,
        resolution_due_at=ticket.resolution_due_at,
        responded_at=ticket.responded_at,
        paused=ticket.sla_paused_since is not None,
        response_breached=ticket.response_breached_at is not None,
        resolution_breached=ticket.resolution_breached_at is not None,
    )


def snapshot(ticket: Ticket) -> TicketSnapshotV1:
    return TicketSnapshotV1(
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
