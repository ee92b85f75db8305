"""The record each consumed event describes, before it is merged with the row."""

from __future__ import annotations

from search.domain.incident import NO_TICKET_VERSION, IncidentRecord
from search.domain.status import IncidentStatus, incident_status
from ticketing_common.events import IncidentDeclaredV1, TicketUpdatedV1


def record_from_declaration(data: IncidentDeclaredV1) -> IncidentRecord:
    return IncidentRecord(
        declaration_id=data.declaration_id,
        org_id=data.org_id,
        ticket_number=None,
        customer_reference=data.customer_reference,
        description=data.description,
        status=IncidentStatus.REGISTERING,
        priority=None,
        contract_id=data.contract_id,
        element_id=data.element_id,
        site_id=data.site_id,
        region=data.region,
        nature=data.nature,
        impacted_users=data.impacted_users,
        main_usage=data.main_usage,
        occurred_at=data.occurred_at,
        declared_at=data.declared_at,
        updated_at=data.declared_at,
        ticket_version=NO_TICKET_VERSION,
    )


def record_from_ticket(data: TicketUpdatedV1) -> IncidentRecord:
    ticket = data.ticket
    return IncidentRecord(
        declaration_id=ticket.declaration_id,
        org_id=ticket.org_id,
        ticket_number=ticket.ticket_number,
        customer_reference=ticket.customer_reference,
        description=ticket.description,
        status=incident_status(ticket.status),
        priority=ticket.priority,
        contract_id=ticket.contract_id,
        element_id=ticket.element_id,
        site_id=ticket.site_id,
        region=ticket.region,
        nature=ticket.nature,
        impacted_users=ticket.impacted_users,
        main_usage=ticket.main_usage,
        occurred_at=ticket.occurred_at,
        # The ticket does not carry the declaration's time; incident.declared fills it.
        declared_at=None,
        updated_at=ticket.updated_at,
        ticket_version=data.version,
    )
