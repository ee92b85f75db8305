"""Registering declared incidents as tickets.

The consumer hands over a run of declarations at once; they are registered in two
statements whatever their number (``adapters.ticket_registrations``): one to number
those without a ticket yet, one to write the tickets, their history entries and their
events. One declaration gives one ticket: a declaration registered before (a replay
under another event id), or twice in the run, is registered once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ticket_store.adapters.snapshots import clock_snapshot
from ticket_store.adapters.ticket_registrations import insert_new_tickets, number_unregistered
from ticket_store.adapters.ticket_writes import SOURCE
from ticket_store.domain.priority import derive_priority
from ticket_store.domain.sla import SlaClock, start_clock
from ticket_store.domain.ticket_number import format_ticket_number
from ticket_store.handlers.desk import Desk
from ticketing_common.events import CloudEvent, IncidentDeclaredV1, TicketUpdatedV1, new_event
from ticketing_common.events.parts import Actor, ActorKind
from ticketing_common.events.ticket_updated import ChangeKind, TicketChangeV1, TicketSnapshotV1
from ticketing_common.messaging.consumer import BatchHandler
from ticketing_common.reference import TicketStatus


def ticket_registration(desk: Desk) -> BatchHandler:
    """The ``incident.declared`` batch handler, with the SLA targets and clock of ``desk``."""

    async def on_incidents_declared(
        session: AsyncSession, events: Sequence[CloudEvent[Any]]
    ) -> None:
        await register_tickets(session, events, desk)

    return on_incidents_declared


async def register_ticket(session: AsyncSession, event: CloudEvent[Any], desk: Desk) -> None:
    """On ``incident.declared``: create the ticket, version 1, and announce it."""
    await register_tickets(session, (event,), desk)


async def register_tickets(
    session: AsyncSession, events: Sequence[CloudEvent[Any]], desk: Desk
) -> None:
    """On a run of ``incident.declared``: create each new declaration's ticket, version 1,
    and announce it, in the order the declarations came."""
    # A declaration twice in the run (a replay close behind): its first event registers it.
    first_of: dict[str, CloudEvent[Any]] = {}
    for event in events:
        first_of.setdefault(event.data.declaration_id, event)
    numbers = await number_unregistered(session, list(first_of))
    if not numbers:
        return
    now = desk.clock()
    created = TicketChangeV1(
        kind=ChangeKind.CREATED,
        actor=Actor(kind=ActorKind.SYSTEM),
        public=True,
        at=now,
        to_status=TicketStatus.NEW,
    )
    tickets = [
        _new_ticket(first_of[declaration_id], format_ticket_number(value), now, created, desk)
        for declaration_id, value in numbers.items()
    ]
    await insert_new_tickets(session, created, tickets)


def _new_ticket(
    event: CloudEvent[Any], number: str, now: datetime, created: TicketChangeV1, desk: Desk
) -> tuple[CloudEvent[TicketUpdatedV1], SlaClock]:
    """The event announcing the ticket of ``event``'s declaration, and its SLA clock."""
    declared: IncidentDeclaredV1 = event.data
    priority = derive_priority(declared.impacted_users, declared.main_usage)
    clock = start_clock(now, desk.policy.target(priority))
    ticket = TicketSnapshotV1(
        ticket_number=number,
        declaration_id=declared.declaration_id,
        org_id=declared.org_id,
        contract_id=declared.contract_id,
        element_id=declared.element_id,
        region=declared.region,
        site_id=declared.site_id,
        nature=declared.nature,
        impacted_users=declared.impacted_users,
        main_usage=declared.main_usage,
        priority=priority,
        status=TicketStatus.NEW,
        customer_reference=declared.customer_reference,
        description=declared.description,
        occurred_at=declared.occurred_at,
        declared_by=declared.declared_by,
        interlocutor=declared.interlocutor,
        notify=declared.notify,
        onsite_contact=declared.onsite_contact,
        attachment_ids=declared.attachment_ids,
        assignee=None,
        priority_overridden=False,
        sla=clock_snapshot(clock),
        resolved_at=None,
        closed_at=None,
        created_at=now,
        updated_at=now,
        version=1,
    )
    announced = new_event(
        TicketUpdatedV1(ticket=ticket, version=1, change=created),
        source=SOURCE,
        correlation_id=event.correlationid,
        subject=number,
        time=now,
    )
    return announced, clock
