"""Registering declared incidents as tickets, against the real database."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from ticket_store.adapters.tables import HistoryEntry, Ticket
from ticket_store.runtime import TicketStoreRuntime
from ticketing_common.db.messaging_tables import outbox
from ticketing_common.events import CloudEvent, IncidentDeclaredV1, new_event
from ticketing_devkit.service_testing import ServiceUnderTest as TicketStore
from ticketing_devkit.service_testing import auth_as as auth

from .support import MovableClock, declared
from .support import register as register_with
from .support import ticket_of as ticket_row_of


async def register(store: TicketStore, event: CloudEvent[IncidentDeclaredV1]) -> None:
    assert isinstance(store.runtime, TicketStoreRuntime)
    await register_with(store.runtime.session_factory, store.runtime.desk, event)


async def ticket_of(store: TicketStore, declaration_id: str) -> Ticket:
    return await ticket_row_of(store.runtime.session_factory, declaration_id)


async def events_of(store: TicketStore, correlation_id: str) -> list[dict[str, Any]]:
    async with store.runtime.session_factory() as session:
        rows = await session.execute(
            select(outbox.c.body)
            .where(outbox.c.correlation_id == correlation_id)
            .order_by(outbox.c.id)
        )
        return [json.loads(body) for body in rows.scalars()]


async def test_a_declaration_becomes_a_new_ticket_announced_as_version_1(
    store: TicketStore,
) -> None:
    event = declared()
    await register(store, event)
    ticket = await ticket_of(store, event.data.declaration_id)
    assert ticket.ticket_number.startswith("INC")
    assert len(ticket.ticket_number) == 10
    assert ticket.status == "new"
    assert ticket.priority == "P1"
    assert ticket.version == 1
    [announced] = await events_of(store, event.correlationid)
    assert announced["type"] == "ticket.updated.v1"
    assert announced["subject"] == ticket.ticket_number
    assert announced["correlationid"] == event.data.declaration_id
    data = announced["data"]
    assert data["version"] == 1
    assert data["ticket"]["ticket_number"] == ticket.ticket_number
    assert data["ticket"]["notify"] == [
        {"contact_id": None, "name": None, "email": "noc@acme.example", "language": "en"}
    ]
    assert data["change"]["kind"] == "created"
    assert data["change"]["public"] is True
    async with store.runtime.session_factory() as session:
        history = (
            (
                await session.execute(
                    select(HistoryEntry).where(HistoryEntry.ticket_number == ticket.ticket_number)
                )
            )
            .scalars()
            .all()
        )
    assert [(h.kind, h.to_status, h.public) for h in history] == [("created", "new", True)]


async def test_a_replayed_declaration_leaves_one_ticket_and_one_event(store: TicketStore) -> None:
    event = declared()
    await register(store, event)
    replay = new_event(event.data, source="/tests", correlation_id=event.correlationid)
    await register(store, replay)
    async with store.runtime.session_factory() as session:
        tickets = (
            (
                await session.execute(
                    select(Ticket.ticket_number).where(
                        Ticket.declaration_id == event.data.declaration_id
                    )
                )
            )
            .scalars()
            .all()
        )
    assert len(tickets) == 1
    assert len(await events_of(store, event.correlationid)) == 1


async def test_ticket_numbers_follow_the_sequence(store: TicketStore) -> None:
    first, second = declared(), declared()
    await register(store, first)
    await register(store, second)
    a = await ticket_of(store, first.data.declaration_id)
    b = await ticket_of(store, second.data.declaration_id)
    assert int(b.ticket_number[3:]) > int(a.ticket_number[3:])


async def test_a_ticket_is_read_by_whom_may_see_it(store: TicketStore) -> None:
    event = declared()
    await register(store, event)
    number = (await ticket_of(store, event.data.declaration_id)).ticket_number
    url = f"/v1/tickets/{number}"
    mine = await store.client.get(url, headers=auth("customer"))
    assert mine.status_code == 200
    assert mine.json()["status"] == "new"
    assert mine.headers["etag"] == '"1"'
    assert (await store.client.get(url, headers=auth("agent"))).status_code == 200
    assert (await store.client.get(url, headers=auth("other-customer"))).status_code == 404
    assert (await store.client.get(url)).status_code == 401
    history = await store.client.get(f"{url}/history", headers=auth("customer"))
    assert [entry["kind"] for entry in history.json()["items"]] == ["created"]


async def test_a_contract_outside_the_perimeter_hides_the_ticket(store: TicketStore) -> None:
    event = declared(contract_id="CT-ACME-1003")
    await register(store, event)
    number = (await ticket_of(store, event.data.declaration_id)).ticket_number
    assert (
        await store.client.get(f"/v1/tickets/{number}", headers=auth("customer"))
    ).status_code == 404
    assert (
        await store.client.get(f"/v1/tickets/{number}", headers=auth("manager"))
    ).status_code == 200


async def test_malformed_ticket_numbers_are_refused(store: TicketStore) -> None:
    response = await store.client.get("/v1/tickets/INC12", headers=auth("agent"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "ticket_number"


async def test_a_new_ticket_starts_its_sla_clock_from_the_priority_targets(
    store: TicketStore, clock: MovableClock
) -> None:
    registered_at = clock.set(clock())
    event = declared()  # all users, production: P1
    await register(store, event)
    ticket = await ticket_of(store, event.data.declaration_id)
    assert ticket.created_at == registered_at
    assert ticket.response_due_at == registered_at + timedelta(minutes=30)
    assert ticket.resolution_due_at == registered_at + timedelta(hours=4)
    assert ticket.priority_overridden is False
    [announced] = await events_of(store, event.correlationid)
    sla = announced["data"]["ticket"]["sla"]
    assert sla["paused"] is False
    assert sla["responded_at"] is None
    assert (sla["response_breached"], sla["resolution_breached"]) == (False, False)
