"""Registering a declared incident as a ticket."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ticket_store.adapters.snapshots import snapshot
from ticket_store.adapters.tables import TICKET_NUMBER_SEQUENCE, HistoryEntry, Ticket
from ticket_store.adapters.ticket_writes import SOURCE
from ticket_store.adapters.work_rows import sla_columns
from ticket_store.domain.priority import derive_priority
from ticket_store.domain.sla import start_clock
from ticket_store.domain.ticket_number import format_ticket_number
from ticket_store.handlers.desk import Desk
from ticketing_common.events import CloudEvent, IncidentDeclaredV1, TicketUpdatedV1, new_event
from ticketing_common.events.parts import Actor, ActorKind
from ticketing_common.events.ticket_updated import ChangeKind, TicketChangeV1
from ticketing_common.messaging.consumer import Handler
from ticketing_common.outbox import add_to_outbox
from ticketing_common.reference import TicketStatus


def ticket_registration(desk: Desk) -> Handler:
    """The ``incident.declared`` handler, with the SLA targets and clock of ``desk``."""

    async def on_incident_declared(session: AsyncSession, event: CloudEvent[Any]) -> None:
        await register_ticket(session, event, desk)

    return on_incident_declared


async def register_ticket(session: AsyncSession, event: CloudEvent[Any], desk: Desk) -> None:
    """On ``incident.declared``: create the ticket, version 1, and announce it."""
    declared: IncidentDeclaredV1 = event.data
    already = await session.scalar(
        select(Ticket.ticket_number).where(Ticket.declaration_id == declared.declaration_id)
    )
    if already is not None:
        # Registered before under another event id (a replay): one declaration, one ticket.
        return
    number = format_ticket_number(int(await session.scalar(TICKET_NUMBER_SEQUENCE.next_value())))
    now = desk.clock()
    priority = derive_priority(declared.impacted_users, declared.main_usage)
    ticket = Ticket(
        ticket_number=number,
        declaration_id=declared.declaration_id,
        org_id=declared.org_id,
        contract_id=declared.contract_id,
        element_id=declared.element_id,
        region=declared.region,
        site_id=declared.site_id,
        nature=declared.nature.value,
        impacted_users=declared.impacted_users.value,
        main_usage=declared.main_usage.value,
        priority=priority.value,
        priority_overridden=False,
        status=TicketStatus.NEW.value,
        customer_reference=declared.customer_reference,
        description=declared.description,
        occurred_at=declared.occurred_at,
        declared_by=declared.declared_by.model_dump(mode="json"),
        interlocutor=declared.interlocutor.model_dump(mode="json"),
        notify=[item.model_dump(mode="json") for item in declared.notify],
        onsite_contact=declared.onsite_contact.model_dump(mode="json")
        if declared.onsite_contact
        else None,
        attachment_ids=list(declared.attachment_ids),
        assignee=None,
        resolved_at=None,
        closed_at=None,
        **sla_columns(start_clock(now, desk.policy.target(priority))),
        version=1,
        created_at=now,
        updated_at=now,
    )
    change = TicketChangeV1(
        kind=ChangeKind.CREATED,
        actor=Actor(kind=ActorKind.SYSTEM),
        public=True,
        at=now,
        to_status=TicketStatus.NEW,
    )
    session.add(ticket)
    # Without a relationship() the unit of work does not order the two inserts itself.
    await session.flush()
    session.add(
        HistoryEntry(
            ticket_number=number,
            version=1,
            at=now,
            kind=change.kind.value,
            public=True,
            actor_kind=ActorKind.SYSTEM.value,
            to_status=TicketStatus.NEW.value,
        )
    )
    await session.flush()
    updated = TicketUpdatedV1(ticket=snapshot(ticket), version=1, change=change)
    await add_to_outbox(
        session,
        new_event(
            updated,
            source=SOURCE,
            correlation_id=event.correlationid,
            subject=number,
            time=now,
        ),
    )
