"""A ticket row as the rules work on it, and back."""

from __future__ import annotations

from typing import Any

from ticket_store.adapters.tables import Ticket, TicketRecord
from ticket_store.domain.priority import derive_priority
from ticket_store.domain.sla import SlaClock
from ticket_store.domain.work import TicketWork
from ticketing_common.events.parts import Person
from ticketing_common.reference import ImpactedUsers, MainUsage, Priority, TicketStatus


def sla_of(ticket: TicketRecord) -> SlaClock:
    return SlaClock(
        started_at=ticket.created_at,
        response_due_at=ticket.response_due_at,
        resolution_due_at=ticket.resolution_due_at,
        responded_at=ticket.responded_at,
        paused_since=ticket.sla_paused_since,
        paused_total=ticket.sla_paused_total,
        response_breached_at=ticket.response_breached_at,
        resolution_breached_at=ticket.resolution_breached_at,
    )


def sla_columns(clock: SlaClock) -> dict[str, Any]:
    return {
        "response_due_at": clock.response_due_at,
        "resolution_due_at": clock.resolution_due_at,
        "responded_at": clock.responded_at,
        "sla_paused_since": clock.paused_since,
        "sla_paused_total": clock.paused_total,
        "response_breached_at": clock.response_breached_at,
        "resolution_breached_at": clock.resolution_breached_at,
    }


def work_of(ticket: Ticket) -> TicketWork:
    return TicketWork(
        status=TicketStatus(ticket.status),
        priority=Priority(ticket.priority),
        derived_priority=derive_priority(
            ImpactedUsers(ticket.impacted_users), MainUsage(ticket.main_usage)
        ),
        assignee=Person.model_validate(ticket.assignee) if ticket.assignee else None,
        sla=sla_of(ticket),
        resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at,
        version=ticket.version,
        updated_at=ticket.updated_at,
    )


def work_columns(work: TicketWork) -> dict[str, Any]:
    """The columns a change may touch, as ``work`` has them."""
    return {
        "status": work.status.value,
        "priority": work.priority.value,
        "priority_overridden": work.priority_overridden,
        "assignee": work.assignee.model_dump(mode="json") if work.assignee else None,
        "resolved_at": work.resolved_at,
        "closed_at": work.closed_at,
        "version": work.version,
        "updated_at": work.updated_at,
        **sla_columns(work.sla),
    }
