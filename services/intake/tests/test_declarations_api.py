"""Declaring an incident through the API: acceptance, idempotency and refusals."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from intake.adapters.tables import Declaration, IdempotencyKey
from intake.domain.declaration import DeclarationRequest
from intake.handlers.ticket_numbers import record_ticket_number
from ticketing_common.db.messaging_tables import outbox
from ticketing_common.events import TicketUpdatedV1, new_event
from ticketing_common.events.parts import Actor, ActorKind, Person, Recipient
from ticketing_common.events.ticket_updated import ChangeKind, TicketChangeV1, TicketSnapshotV1
from ticketing_common.web.rate_limit import TokenBuckets
from ticketing_devkit.service_testing import ServiceUnderTest as Intake
from ticketing_devkit.service_testing import auth_as as auth


def declaration(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contract_id": "CT-ACME-1001",
        "element_id": "EL-ACME-FE-1",
        "region": "eu-west-0",
        "nature": "unavailable",
        "impacted_users": "one_site",
        "main_usage": "production",
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
        "customer_reference": "VPN down in Lyon",
        "description": "Since 16:56 no user of the Lyon site reaches the VPN.",
        "site_id": "SITE-ACME-LYON",
        "onsite_contact": {"name": "Jeanne Martin", "phone": "+33 4 00 00 00 00"},
        "interlocutor_id": "C-ACME-JEANNE",
        "notify": [
            {"contact_id": "C-ACME-NOC", "language": "fr"},
            {"email": "noc@example.com", "language": "en"},
        ],
    }
    body.update(overrides)
    return body


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


async def post(
    intake: Intake, body: dict[str, Any], headers: dict[str, str], user: str = "customer"
) -> Any:
    return await intake.client.post(
        "/v1/declarations", json=body, headers={**auth(user), **headers}
    )


async def count_declarations(intake: Intake, reference: str) -> tuple[int, int]:
    async with intake.runtime.session_factory() as session:
        declarations = await session.scalar(
            select(func.count())
            .select_from(Declaration)
            .where(Declaration.accepted["customer_reference"].astext == reference)
        )
        ids = (
            (
                await session.execute(
                    select(Declaration.id).where(
                        Declaration.accepted["customer_reference"].astext == reference
                    )
                )
            )
            .scalars()
            .all()
        )
        events = await session.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.correlation_id.in_(ids))
        )
        return int(declarations or 0), int(events or 0)


async def test_a_declaration_is_accepted_and_can_be_read_back(intake: Intake) -> None:
    response = await post(intake, declaration(), key())
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "accepted"
    assert response.headers["location"] == f"/v1/declarations/{body['declaration_id']}"
    read = await intake.client.get(response.headers["location"], headers=auth("customer"))
    assert read.status_code == 200
    view = read.json()
    assert view["status"] == "accepted"
    assert view["ticket_number"] is None
    accepted = view["declaration"]
    assert accepted["org_id"] == "ORG-ACME"
    assert accepted["interlocutor"]["email"] == "jeanne.martin@acme.example"
    assert [r["email"] for r in accepted["notify"]] == ["noc@acme.example", "noc@example.com"]
    assert accepted["declared_by"]["sub"] == "u-acme-claire"
    # Another organization cannot even learn that it exists.
    hidden = await intake.client.get(response.headers["location"], headers=auth("other-customer"))
    assert hidden.status_code == 404


async def test_the_same_key_and_body_give_the_same_answer_and_one_incident(intake: Intake) -> None:
    reference = f"retry-{uuid.uuid4().hex[:8]}"
    headers, body = key(), declaration(customer_reference=reference)
    first = await post(intake, body, headers)
    second = await post(intake, body, headers)
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    assert await count_declarations(intake, reference) == (1, 1)


async def test_the_same_key_with_another_body_is_a_conflict(intake: Intake) -> None:
    headers, body = key(), declaration()
    first = await post(intake, body, headers)
    assert first.status_code == 202
    other = await post(intake, {**body, "description": "Something else entirely"}, headers)
    assert other.status_code == 409
    assert other.headers["content-type"] == "application/problem+json"


async def test_keys_belong_to_their_user(intake: Intake) -> None:
    headers, body = key(), declaration()
    mine = await post(intake, body, headers, user="customer")
    theirs = await post(intake, body, headers, user="manager")
    assert mine.status_code == theirs.status_code == 202
    assert mine.json()["declaration_id"] != theirs.json()["declaration_id"]


async def test_racing_twins_create_one_declaration(intake: Intake) -> None:
    reference = f"race-{uuid.uuid4().hex[:8]}"
    headers, body = key(), declaration(customer_reference=reference)
    answers = await asyncio.gather(*(post(intake, body, headers) for _ in range(6)))
    assert {a.status_code for a in answers} == {202}
    assert len({a.json()["declaration_id"] for a in answers}) == 1
    assert await count_declarations(intake, reference) == (1, 1)


async def test_a_refused_declaration_frees_its_key(intake: Intake) -> None:
    headers, body = key(), declaration()
    refused = await post(intake, {**body, "region": "mars-1"}, headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "region"
    accepted = await post(intake, body, headers)
    assert accepted.status_code == 202


async def test_refusals_name_every_bad_field(intake: Intake) -> None:
    response = await post(
        intake,
        declaration(contract_id="CT-GLOBEX-2001", occurred_at="2099-01-01T00:00:00+00:00"),
        key(),
    )
    assert response.status_code == 422
    problem = response.json()
    assert problem["status"] == 422
    assert {e["field"] for e in problem["errors"]} == {"contract_id", "occurred_at"}


async def test_an_expired_contract_cannot_receive_a_declaration(intake: Intake) -> None:
    response = await post(intake, declaration(contract_id="CT-ACME-0900"), key(), user="manager")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "contract_not_active"


async def test_schema_refusals_are_problems_naming_the_field(intake: Intake) -> None:
    missing = declaration()
    del missing["nature"]
    response = await post(intake, missing, key())
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "nature"
    no_key = await intake.client.post(
        "/v1/declarations", json=declaration(), headers=auth("customer")
    )
    assert no_key.status_code == 422
    assert no_key.json()["errors"][0]["field"] == "Idempotency-Key"
    not_json = await intake.client.post(
        "/v1/declarations",
        content=b"{nope",
        headers={**auth("customer"), **key(), "content-type": "application/json"},
    )
    assert not_json.status_code == 422


async def test_operations_staff_do_not_declare_and_strangers_are_refused(intake: Intake) -> None:
    assert (await post(intake, declaration(), key(), user="agent")).status_code == 403
    anonymous = await intake.client.post("/v1/declarations", json=declaration(), headers=key())
    assert anonymous.status_code == 401


async def test_the_ticket_number_is_recorded_when_the_ticket_exists(intake: Intake) -> None:
    accepted = (await post(intake, declaration(), key())).json()
    now = datetime.now(UTC)
    ticket = TicketSnapshotV1(
        ticket_number="INC0000042",
        declaration_id=accepted["declaration_id"],
        org_id="ORG-ACME",
        contract_id="CT-ACME-1001",
        element_id="EL-ACME-FE-1",
        nature="unavailable",  # type: ignore[arg-type]
        impacted_users="one_site",  # type: ignore[arg-type]
        main_usage="production",  # type: ignore[arg-type]
        priority="P2",  # type: ignore[arg-type]
        status="new",  # type: ignore[arg-type]
        description="d",
        occurred_at=now,
        declared_by=Person(sub="u", name="u"),
        interlocutor=Recipient(email="a@b.example", language="fr"),  # type: ignore[arg-type]
        created_at=now,
        updated_at=now,
        version=1,
    )
    change = TicketChangeV1(
        kind=ChangeKind.CREATED, actor=Actor(kind=ActorKind.SYSTEM), public=True, at=now
    )
    event = new_event(
        TicketUpdatedV1(ticket=ticket, version=1, change=change),
        source="/tests",
        correlation_id=accepted["declaration_id"],
    )
    async with intake.runtime.session_factory.begin() as session:
        await record_ticket_number(session, event)
    view = (
        await intake.client.get(
            f"/v1/declarations/{accepted['declaration_id']}", headers=auth("customer")
        )
    ).json()
    assert view["status"] == "registered"
    assert view["ticket_number"] == "INC0000042"


async def test_the_key_record_keeps_the_request_hash_and_the_answer(intake: Intake) -> None:
    headers, body = key(), declaration()
    accepted = await post(intake, body, headers)
    async with intake.runtime.session_factory() as session:
        record = await session.get(IdempotencyKey, ("u-acme-claire", headers["Idempotency-Key"]))
    assert record is not None
    assert record.request_hash == DeclarationRequest.model_validate(body).fingerprint()
    assert record.status_code == 202
    assert record.response == accepted.json()
    assert record.declaration_id == accepted.json()["declaration_id"]


async def test_the_same_body_formatted_otherwise_is_the_same_request(intake: Intake) -> None:
    headers, body = key(), declaration()
    first = await post(intake, body, headers)
    reordered = json.dumps(dict(reversed(list(body.items()))), indent=4)
    second = await intake.client.post(
        "/v1/declarations",
        content=reordered,
        headers={**auth("customer"), **headers, "Content-Type": "application/json"},
    )
    assert second.status_code == 202
    assert second.json() == first.json()


async def test_a_refused_declaration_writes_nothing(intake: Intake) -> None:
    headers = key()
    reference = f"refused-{uuid.uuid4().hex[:8]}"
    refused = await post(intake, declaration(customer_reference=reference, region="x"), headers)
    assert refused.status_code == 422
    assert await count_declarations(intake, reference) == (0, 0)
    async with intake.runtime.session_factory() as session:
        record = await session.get(IdempotencyKey, ("u-acme-claire", headers["Idempotency-Key"]))
    assert record is None


async def test_a_malformed_declaration_id_is_refused_not_a_crash(intake: Intake) -> None:
    for path in ("/v1/declarations/%00", "/v1/declarations/a%0Ab", "/v1/declarations/" + "x" * 101):
        response = await intake.client.get(path, headers=auth("customer"))
        assert response.status_code == 422, path
        assert response.json()["errors"][0]["field"] == "declaration_id"
    unknown = await intake.client.get(f"/v1/declarations/{uuid.uuid4()}", headers=auth("customer"))
    assert unknown.status_code == 404


async def test_a_user_declaring_too_fast_is_told_when_to_retry(intake: Intake) -> None:
    transport = intake.client._transport
    assert isinstance(transport, httpx.ASGITransport)
    limits = transport.app.state.rate_limits  # type: ignore[attr-defined]
    generous = limits["declarations"]
    limits["declarations"] = TokenBuckets(per_minute=2, burst=2)
    try:
        answers = [await post(intake, declaration(), key()) for _ in range(3)]
        assert [a.status_code for a in answers] == [202, 202, 429]
        assert int(answers[2].headers["retry-after"]) >= 1
        assert answers[2].headers["content-type"] == "application/problem+json"
        # Another user is not slowed down by the first.
        assert (await post(intake, declaration(), key(), user="manager")).status_code == 202
    finally:
        limits["declarations"] = generous
