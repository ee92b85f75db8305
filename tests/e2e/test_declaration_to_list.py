"""The walking skeleton, end to end: four processes, a real broker, databases and mail.

A declaration posted to intake appears in the customer's list as "registering", then
with its ticket number; the acknowledgement reaches each person in their language; a
retried request and a duplicated event each leave one ticket and one email per person.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import asyncpg
import httpx

from ticketing_common.db.engine import asyncpg_dsn
from ticketing_common.messaging.connection import connect_broker
from ticketing_common.messaging.publisher import ConfirmedPublisher
from ticketing_devkit.mailcatcher import MailCatcher
from ticketing_devkit.processes import System
from ticketing_devkit.service_testing import auth_as

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T | None]], what: str, timeout: float = 30.0
) -> T:
    deadline = time.monotonic() + timeout
    while True:
        found = await probe()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


def declaration(reference: str) -> dict[str, Any]:
    return {
        "contract_id": "CT-ACME-1001",
        "element_id": "EL-ACME-FE-1",
        "region": "eu-west-0",
        "nature": "unavailable",
        "impacted_users": "one_site",
        "main_usage": "production",
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "customer_reference": reference,
        "description": "Depuis 16h56 aucun utilisateur du site de Lyon n'atteint le VPN.",
        "site_id": "SITE-ACME-LYON",
        "onsite_contact": {"name": "Jeanne Martin", "phone": "+33 4 00 00 00 00"},
        "notify": [
            {"contact_id": "C-ACME-NOC", "language": "fr"},
            {"email": "astreinte@example.com", "language": "en"},
        ],
    }


async def list_rows(client: httpx.AsyncClient, system: System, reference: str) -> list[Any]:
    response = await client.get(
        f"{system.url('search')}/v1/incidents",
        params={"q": reference},
        headers=auth_as("customer"),
    )
    assert response.status_code == 200, response.text
    return [row for row in response.json()["items"] if row["customer_reference"] == reference]


async def count_tickets(system: System, declaration_id: str) -> int:
    connection = await asyncpg.connect(asyncpg_dsn(system["ticket-store"].env["DATABASE_URL"]))
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM tickets WHERE declaration_id = $1", declaration_id
            )
        )
    finally:
        await connection.close()


async def consumed_duplicates(client: httpx.AsyncClient, url: str, event_type: str) -> float:
    metrics = (await client.get(f"{url}/metrics")).text
    pattern = re.compile(
        r'^ticketing_events_consumed_total\{[^}]*event_type="'
        + re.escape(event_type)
        + r'"[^}]*outcome="duplicate"[^}]*\} ([0-9.e+]+)$',
        re.MULTILINE,
    )
    return sum(float(value) for value in pattern.findall(metrics))


async def test_a_declaration_reaches_the_list_and_the_mailboxes_once(
    system: System, e2e_mail: MailCatcher
) -> None:
    reference = f"VPN Lyon {uuid.uuid4().hex[:6]}"
    body = declaration(reference)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    async with httpx.AsyncClient(timeout=10) as client:
        # Hold the ticket store so the list is seen in its "registering" state.
        system["ticket-store"].pause()
        try:
            accepted = await client.post(
                f"{system.url('intake')}/v1/declarations",
                json=body,
                headers={**auth_as("customer"), **key},
            )
            assert accepted.status_code == 202, accepted.text
            declaration_id = accepted.json()["declaration_id"]

            async def registering() -> dict[str, Any] | None:
                rows = await list_rows(client, system, reference)
                return rows[0] if rows else None

            row = await eventually(registering, "the registering row")
            assert row["status"] == "registering"
            assert row["ticket_number"] is None
            assert row["declaration_id"] == declaration_id
        finally:
            system["ticket-store"].resume()

        async def registered() -> dict[str, Any] | None:
            rows = await list_rows(client, system, reference)
            return rows[0] if rows and rows[0]["ticket_number"] else None

        row = await eventually(registered, "the ticket number in the list")
        ticket_number = row["ticket_number"]
        assert re.fullmatch(r"INC\d{7}", ticket_number)
        assert row["status"] == "new"
        assert row["priority"] == "P2"

        ticket = await client.get(
            f"{system.url('ticket-store')}/v1/tickets/{ticket_number}",
            headers=auth_as("customer"),
        )
        assert ticket.status_code == 200
        assert ticket.json()["declaration_id"] == declaration_id

        async def declaration_knows_its_ticket() -> str | None:
            view = await client.get(
                f"{system.url('intake')}/v1/declarations/{declaration_id}",
                headers=auth_as("customer"),
            )
            number: str | None = view.json()["ticket_number"]
            return number

        assert await eventually(declaration_knows_its_ticket, "intake's ticket number") == (
            ticket_number
        )

        # One acknowledgement per person, each in their language.
        expected = {
            "claire.dubois@acme.example": "fr",  # the caller, interlocutor by default
            "noc@acme.example": "fr",  # a contact whose own language is en, asked in fr
            "astreinte@example.com": "en",
        }

        # Then the ticket number, in the same thread (it refers to the first email).
        async def all_mail() -> dict[str, Any] | None:
            mails = {
                address: [m for m in e2e_mail.to(address) if reference in m.subject]
                for address in expected
            }
            return mails if all(len(found) == 2 for found in mails.values()) else None

        mails = await eventually(all_mail, "the acknowledgements and the ticket numbers")
        for address, language in expected.items():
            acknowledged = ("Déclaration d'incident reçue", "Incident declaration received")
            [mail] = [m for m in mails[address] if any(a in m.subject for a in acknowledged)]
            [number_mail] = [m for m in mails[address] if m is not mail]
            assert number_mail.subject == f"[{ticket_number}] {reference}"
            assert ticket_number in number_mail.text()
            [root] = [m for m in (mail, number_mail) if m.message["In-Reply-To"] is None]
            [reply] = [m for m in (mail, number_mail) if m is not root]
            assert reply.message["In-Reply-To"] == root.message["Message-ID"]
            assert reply.message["References"] == root.message["Message-ID"]
            if language == "fr":
                assert "Déclaration d'incident reçue" in mail.subject
                assert "Bonjour" in mail.text()
                assert "enregistré sous le numéro" in number_mail.text()
            else:
                assert "Incident declaration received" in mail.subject
                assert "Hello" in mail.text() or "Dear" in mail.text()
                assert "registered as" in number_mail.text()

        # The same request again: the same answer, and nothing new.
        again = await client.post(
            f"{system.url('intake')}/v1/declarations",
            json=body,
            headers={**auth_as("customer"), **key},
        )
        assert again.status_code == 202
        assert again.json() == accepted.json()

        # The same event delivered twice: every consumer drops the duplicate.
        before = {
            name: await consumed_duplicates(client, system.url(name), "incident.declared.v1")
            for name in ("ticket-store", "notification", "search")
        }
        await republish_declared_event(system, declaration_id)
        for name, count in before.items():

            async def dropped(name: str = name, count: float = count) -> bool | None:
                now = await consumed_duplicates(client, system.url(name), "incident.declared.v1")
                return True if now > count else None

            await eventually(dropped, f"{name} dropping the duplicate")

        assert await count_tickets(system, declaration_id) == 1
        assert len(await list_rows(client, system, reference)) == 1
        for address in expected:
            assert len([m for m in e2e_mail.to(address) if reference in m.subject]) == 2


async def republish_declared_event(system: System, declaration_id: str) -> None:
    """Publish intake's incident.declared again, with the same event id."""
    connection = await asyncpg.connect(asyncpg_dsn(system["intake"].env["DATABASE_URL"]))
    try:
        row = await connection.fetchrow(
            "SELECT event_id, event_type, routing_key, body FROM outbox "
            "WHERE correlation_id = $1 AND event_type = 'incident.declared.v1'",
            declaration_id,
        )
    finally:
        await connection.close()
    assert row is not None
    assert json.loads(row["body"])["id"] == row["event_id"]
    broker = await connect_broker(system["intake"].env["AMQP_URL"], connection_name="e2e")
    try:
        publisher = ConfirmedPublisher(broker)
        await publisher.publish(
            routing_key=row["routing_key"],
            body=bytes(row["body"]),
            message_id=row["event_id"],
            event_type=row["event_type"],
            correlation_id=declaration_id,
        )
        await publisher.close()
    finally:
        await broker.close()
