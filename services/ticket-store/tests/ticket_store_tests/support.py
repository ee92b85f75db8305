"""What the ticket store's tests share: a clock they move, declared incidents, and
short ways to read what a change left behind."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from ticket_store.adapters.tables import HistoryEntry, Ticket
from ticket_store.bootstrap import event_router
from ticket_store.handlers.desk import Desk
from ticket_store.handlers.registration import register_ticket
from ticket_store.runtime import TicketStoreRuntime
from ticketing_common.db.engine import SessionFactory
from ticketing_common.db.messaging_tables import outbox
from ticketing_common.events import CloudEvent, IncidentDeclaredV1, new_event
from ticketing_common.events.parts import Person, Recipient
from ticketing_common.reference import ImpactedUsers, Language, MainUsage, Nature
from ticketing_devkit.demo import demo_user
from ticketing_devkit.service_testing import auth_as


class MovableClock:
    """Real time until a test sets it; then time moves only when the test says so."""

    def __init__(self) -> None:
        self._now: datetime | None = None

    def __call__(self) -> datetime:
        return self._now if self._now is not None else datetime.now(UTC)

    def set(self, at: datetime) -> datetime:
        self._now = at
        return at

    def advance(self, by: timedelta) -> datetime:
        return self.set(self() + by)

    def release(self) -> None:
        self._now = None


def declared(**overrides: Any) -> CloudEvent[IncidentDeclaredV1]:
    declaration_id = str(uuid.uuid4())
    values: dict[str, Any] = {
        "declaration_id": declaration_id,
        "org_id": "ORG-ACME",
        "declared_by": Person(sub="u-acme-claire", name="Claire", email="claire@acme.example"),
        "declared_at": datetime.now(UTC),
        "contract_id": "CT-ACME-1001",
        "element_id": "EL-ACME-FE-1",
        "region": "eu-west-0",
        "nature": Nature.UNAVAILABLE,
        "impacted_users": ImpactedUsers.ALL_USERS,
        "main_usage": MainUsage.PRODUCTION,
        "occurred_at": datetime.now(UTC),
        "customer_reference": "VPN down",
        "description": "Nobody reaches the VPN.",
        "interlocutor": Recipient(email="claire@acme.example", language=Language.FR),
        "notify": [Recipient(email="noc@acme.example", language=Language.EN)],
    }
    values.update(overrides)
    data = IncidentDeclaredV1(**values)
    return new_event(data, source="/tests", correlation_id=declaration_id)


def replay_of(event: CloudEvent[IncidentDeclaredV1]) -> CloudEvent[Any]:
    """The same declaration under another event id."""
    return new_event(event.data, source="/tests", correlation_id=event.correlationid)


async def apply_run(runtime: TicketStoreRuntime, events: Sequence[CloudEvent[Any]]) -> None:
    """Apply ``events`` as the consumer applies a batch: the route, one transaction."""
    route = event_router(runtime.desk).route_for(IncidentDeclaredV1.event_type)
    assert route is not None
    async with runtime.session_factory.begin() as session:
        await route.apply(session, events)


async def register(
    session_factory: SessionFactory, desk: Desk, event: CloudEvent[IncidentDeclaredV1]
) -> None:
    async with session_factory.begin() as session:
        await register_ticket(session, event, desk)


async def new_ticket(session_factory: SessionFactory, desk: Desk, **overrides: Any) -> str:
    """Register a declared incident; its ticket number."""
    event = declared(**overrides)
    await register(session_factory, desk, event)
    return (await ticket_of(session_factory, event.data.declaration_id)).ticket_number


async def ticket_of(session_factory: SessionFactory, declaration_id: str) -> Ticket:
    async with session_factory() as session:
        found = await session.scalar(select(Ticket).where(Ticket.declaration_id == declaration_id))
        assert isinstance(found, Ticket)
        return found


async def ticket_row(session_factory: SessionFactory, number: str) -> Ticket:
    async with session_factory() as session:
        found = await session.get(Ticket, number)
        assert found is not None
        return found


async def events_of(session_factory: SessionFactory, number: str) -> list[dict[str, Any]]:
    """The ticket.updated events of a ticket in the outbox, oldest first."""
    async with session_factory() as session:
        rows = await session.execute(
            select(outbox.c.body)
            .where(outbox.c.event_type == "ticket.updated.v1")
            .order_by(outbox.c.id)
        )
        bodies = [json.loads(body) for body in rows.scalars()]
    return [body for body in bodies if body["subject"] == number]


async def history_of(session_factory: SessionFactory, number: str) -> list[HistoryEntry]:
    async with session_factory() as session:
        rows = await session.scalars(
            select(HistoryEntry)
            .where(HistoryEntry.ticket_number == number)
            .order_by(HistoryEntry.id)
        )
        return list(rows.all())


class Desktop:
    """An HTTP client that speaks the ticket store's commands as a given demo user."""

    def __init__(self, client: httpx.AsyncClient, who: str) -> None:
        self.client = client
        self.headers = auth_as(who)
        user = demo_user(who)
        self.sub = user.sub
        self.name = user.name

    async def read(self, number: str) -> httpx.Response:
        return await self.client.get(f"/v1/tickets/{number}", headers=self.headers)

    async def version(self, number: str) -> int:
        response = await self.read(number)
        assert response.status_code == 200, response.text
        return int(response.json()["version"])

    async def history(self, number: str) -> list[dict[str, Any]]:
        response = await self.client.get(
            f"/v1/tickets/{number}/history", params={"limit": 200}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    async def post(
        self, number: str, what: str, body: dict[str, Any], *, version: int | str | None = "read"
    ) -> httpx.Response:
        """POST to /v1/tickets/{number}/{what}; If-Match with the version just read,
        a given version, or none at all (None)."""
        headers = dict(self.headers)
        if version == "read":
            version = await self.version_as_operations(number)
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        # Encoded here, ASCII-escaped, so a body may carry what a JSON client can send
        # and httpx cannot encode (a lone surrogate, "\ud800").
        headers["Content-Type"] = "application/json"
        return await self.client.post(
            f"/v1/tickets/{number}/{what}", content=json.dumps(body).encode(), headers=headers
        )

    async def version_as_operations(self, number: str) -> int:
        # Read as an agent: the version is the same for everybody, and a customer
        # outside the perimeter must still be able to send a request.
        response = await self.client.get(f"/v1/tickets/{number}", headers=auth_as("agent"))
        assert response.status_code == 200, response.text
        return int(response.json()["version"])

    async def transition(
        self, number: str, action: str, *, version: int | str | None = "read", **fields: Any
    ) -> httpx.Response:
        return await self.post(number, "transitions", {"action": action, **fields}, version=version)

    async def comment(
        self, number: str, body: str, visibility: str, *, version: int | str | None = None
    ) -> httpx.Response:
        return await self.post(
            number, "comments", {"body": body, "visibility": visibility}, version=version
        )

    async def assignment(
        self, number: str, action: str, *, version: int | str | None = "read", **fields: Any
    ) -> httpx.Response:
        return await self.post(number, "assignment", {"action": action, **fields}, version=version)

    async def priority(
        self, number: str, priority: str, reason: str | None, *, version: int | str | None = "read"
    ) -> httpx.Response:
        body: dict[str, Any] = {"priority": priority}
        if reason is not None:
            body["reason"] = reason
        return await self.post(number, "priority", body, version=version)
