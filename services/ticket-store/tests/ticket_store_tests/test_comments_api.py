"""Comments over HTTP: public and internal, the customer's answer, and what customers
never see."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from ticket_store.bootstrap import build_app, build_runtime
from ticket_store.runtime import TicketStoreRuntime
from ticket_store.settings import TicketStoreSettings
from ticketing_devkit.service_testing import ServiceUnderTest, running_app

from .support import Desktop, MovableClock, events_of, history_of, new_ticket, ticket_row


async def test_comments_public_and_internal(
    runtime: TicketStoreRuntime, agent: Desktop, customer: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    public = await customer.comment(number, "Still down.", "public")
    assert public.status_code == 201, public.text
    assert public.headers["etag"] == '"2"'
    assert public.json()["ticket"]["status"] == "new"
    assert public.json()["change"]["kind"] == "comment_added"
    internal = await agent.comment(number, "Router 3 again?", "internal")
    assert internal.status_code == 201
    assert internal.json()["change"]["public"] is False
    events = await events_of(runtime.session_factory, number)
    assert [(e["data"]["change"]["kind"], e["data"]["change"]["public"]) for e in events] == [
        ("created", True),
        ("comment_added", True),
        ("comment_added", False),
    ]
    assert events[2]["data"]["change"]["comment"] == "Router 3 again?"
    assert [e["comment"] for e in await customer.history(number)] == [None, "Still down."]
    assert [e["comment"] for e in await agent.history(number)] == [
        None,
        "Still down.",
        "Router 3 again?",
    ]


@pytest.mark.parametrize(
    ("who", "body", "field"),
    [
        ("customer", {"body": "psst", "visibility": "internal"}, "visibility"),
        ("manager", {"body": "psst", "visibility": "internal"}, "visibility"),
        ("agent", {"body": "which?"}, "visibility"),
        ("agent", {"body": "x", "visibility": "secret"}, "visibility"),
        ("customer", {"body": "   ", "visibility": "public"}, "body"),
        ("customer", {"body": "x" * 10001, "visibility": "public"}, "body"),
        ("customer", {"body": "bell\x07", "visibility": "public"}, "body"),
        # The rule every service shares (ticketing_common.text): no lone surrogate.
        ("customer", {"body": "half \ud800 a pair", "visibility": "public"}, "body"),
        ("customer", {"visibility": "public"}, "body"),
        ("customer", {"body": "x", "visibility": "public", "public": True}, "public"),
    ],
)
async def test_bad_comments_are_422_naming_the_field(
    who: str, body: dict[str, Any], field: str, store: ServiceUnderTest, runtime: TicketStoreRuntime
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    response = await Desktop(store.client, who).post(number, "comments", body, version=None)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
    assert (await ticket_row(runtime.session_factory, number)).version == 1


async def test_the_customers_answer_puts_a_waiting_ticket_back_in_progress(
    runtime: TicketStoreRuntime, agent: Desktop, customer: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    await agent.transition(number, "request_info", comment="Which site?")
    internal_note = await agent.comment(number, "Waiting on them.", "internal")
    assert internal_note.json()["ticket"]["status"] == "pending_customer"
    answer = await customer.comment(number, "Lyon.", "public")
    assert answer.status_code == 201
    assert answer.json()["ticket"]["status"] == "in_progress"
    assert answer.json()["ticket"]["version"] == 4
    # One change, one event: a status change carrying the comment.
    events = await events_of(runtime.session_factory, number)
    assert len(events) == 4
    change = events[-1]["data"]["change"]
    assert (change["kind"], change["action"], change["comment"]) == (
        "status_changed",
        "customer_reply",
        "Lyon.",
    )
    assert (change["from_status"], change["to_status"]) == ("pending_customer", "in_progress")
    # A second comment is just a comment.
    again = await customer.comment(number, "And Paris.", "public")
    assert again.json()["ticket"]["status"] == "in_progress"
    assert again.json()["change"]["kind"] == "comment_added"


async def test_a_comment_with_if_match_is_held_to_it(
    runtime: TicketStoreRuntime, customer: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    assert (await customer.comment(number, "one", "public", version=1)).status_code == 201
    stale = await customer.comment(number, "two", "public", version=1)
    assert stale.status_code == 412
    assert (await customer.comment(number, "two", "public", version=2)).status_code == 201


async def test_closed_tickets_take_only_internal_notes(
    runtime: TicketStoreRuntime, agent: Desktop, customer: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    await customer.transition(number, "cancel", reason="Works again.")
    for desk in (customer, agent):
        refused = await desk.comment(number, "Hello?", "public")
        assert refused.status_code == 409
        assert refused.json()["code"] == "ticket_final"
    assert (await agent.comment(number, "Root cause: power.", "internal")).status_code == 201


async def _every_answer(
    client: httpx.AsyncClient, headers: dict[str, str], number: str
) -> list[tuple[str, int, str]]:
    """Every GET operation of the API under /v1, called for this ticket."""
    document = (await client.get("/openapi.json")).json()
    answers: list[tuple[str, int, str]] = []
    for path, operations in document["paths"].items():
        if not path.startswith("/v1/") or "get" not in operations:
            continue
        url = path.replace("{ticket_number}", number)
        if "{" in url:
            # Another kind of object (the shared dead-letter endpoints): not a ticket's.
            continue
        for params in ({}, {"limit": 200}):
            response = await client.get(url, params=params, headers=headers)
            answers.append((url, response.status_code, response.text))
    return answers


async def test_an_internal_comment_never_reaches_a_customer(
    store: ServiceUnderTest, runtime: TicketStoreRuntime, agent: Desktop, customer: Desktop
) -> None:
    secret = f"internal-{uuid.uuid4().hex}"
    number = await new_ticket(runtime.session_factory, runtime.desk)
    await agent.transition(number, "acknowledge")
    await agent.comment(number, f"Customer forgot to pay: {secret}", "internal")
    await agent.assignment(number, "take")
    await agent.comment(number, "We are on it.", "public")
    # Operations read it.
    assert secret in json.dumps(await agent.history(number))
    for who in ("customer", "manager"):
        answers = await _every_answer(store.client, Desktop(store.client, who).headers, number)
        assert any(url.endswith("/history") and status == 200 for url, status, _ in answers)
        for url, status, text in answers:
            assert status < 500, (url, text)
            assert secret not in text, f"{who} read the internal comment at {url}"
    timeline = await customer.history(number)
    assert [e["kind"] for e in timeline] == ["created", "status_changed", "comment_added"]
    assert all(e["public"] for e in timeline)
    # In the events: only in the comment's own change, marked internal.
    carrying = [
        e for e in await events_of(runtime.session_factory, number) if secret in json.dumps(e)
    ]
    [event] = carrying
    assert event["data"]["change"]["public"] is False
    assert event["data"]["change"]["kind"] == "comment_added"
    assert secret not in json.dumps(event["data"]["ticket"])
    # And the history row is internal.
    [row] = [
        h
        for h in await history_of(runtime.session_factory, number)
        if h.comment and secret in h.comment
    ]
    assert row.public is False


@pytest.fixture(scope="module")
async def hiding_store(
    ticket_store: ServiceUnderTest, service_clock: MovableClock
) -> AsyncIterator[ServiceUnderTest]:
    """A second instance on the same database, with HIDE_AGENT_NAMES set."""
    settings = ticket_store.runtime.settings
    hiding = TicketStoreSettings(
        database_url=settings.database_url,
        amqp_url=settings.amqp_url,
        run_workers=False,
        hide_agent_names=True,
        agent_display_name="Support Acmé",
    )
    runtime = build_runtime(hiding, clock=service_clock)
    async with running_app(build_app(runtime)) as client:
        yield ServiceUnderTest(client, runtime)


async def test_agent_names_are_hidden_from_customers_when_set(
    hiding_store: ServiceUnderTest, runtime: TicketStoreRuntime
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    agent = Desktop(hiding_store.client, "agent")
    customer = Desktop(hiding_store.client, "customer")
    await agent.assignment(number, "take")
    await agent.transition(number, "request_info", comment="Which site?")
    answer = await customer.comment(number, "Lyon.", "public")
    assert answer.json()["change"]["actor_name"] == "Claire Dubois"
    seen = (await customer.read(number)).json()
    assert seen["assignee"] == {"sub": "hidden", "name": "Support Acmé", "email": None}
    timeline = await customer.history(number)
    by_agent = [e for e in timeline if e["actor_kind"] == "agent"]
    assert by_agent
    assert {e["actor_name"] for e in by_agent} == {"Support Acmé"}
    everything = json.dumps([seen, timeline])
    assert "Sam Agent" not in everything
    assert not re.search(r"u-ops-sam|sam\.agent", everything)
    # Operations still read who did what.
    assert (await agent.read(number)).json()["assignee"]["name"] == "Sam Agent"
    ops_timeline = await agent.history(number)
    assert "Sam Agent" in {e["actor_name"] for e in ops_timeline}
    assert "u-ops-sam" in {e["actor_sub"] for e in ops_timeline}


async def test_without_the_setting_customers_read_agent_names(
    runtime: TicketStoreRuntime, agent: Desktop, customer: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    await agent.assignment(number, "take")
    await agent.transition(number, "acknowledge")
    assert (await customer.read(number)).json()["assignee"]["name"] == "Sam Agent"
    timeline = await customer.history(number)
    assert timeline[-1]["actor_name"] == "Sam Agent"
    assert timeline[-1]["actor_sub"] is None
