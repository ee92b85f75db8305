"""Transitions over HTTP: every path from new to an end, and every refusal's status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from ticket_store.runtime import TicketStoreRuntime
from ticketing_devkit.service_testing import ServiceUnderTest

from .support import Desktop, events_of, history_of, new_ticket, ticket_row


@dataclass(frozen=True)
class Step:
    who: str
    action: str
    to: str
    fields: dict[str, Any]


def step(who: str, action: str, to: str, **fields: Any) -> Step:
    return Step(who, action, to, fields)


SOLVED = {"comment": "The VPN concentrator was restarted."}
ASK = {"comment": "Which site is concerned?"}
WHY = {"reason": "Found the cable unplugged."}

PATHS = {
    "acknowledge-start-ask-answer-resolve-confirm": [
        step("agent", "acknowledge", "acknowledged"),
        step("agent", "start", "in_progress"),
        step("agent", "request_info", "pending_customer", **ASK),
        step("customer", "reply", "in_progress"),
        step("agent", "resolve", "resolved", **SOLVED),
        step("customer", "confirm", "closed"),
    ],
    "start-resolve-reopen-resolve-confirm": [
        step("agent", "start", "in_progress"),
        step("agent", "resolve", "resolved", **SOLVED),
        step("customer", "reopen", "in_progress", comment="Still down in Lyon."),
        step("supervisor", "resolve", "resolved", **SOLVED),
        step("manager", "confirm", "closed"),
    ],
    "ask-straight-away-then-agent-resumes": [
        step("agent", "request_info", "pending_customer", **ASK),
        step("agent", "start", "in_progress"),
        step("agent", "resolve", "resolved", **SOLVED),
        step("customer", "confirm", "closed"),
    ],
    "resolve-while-waiting-for-the-customer": [
        step("agent", "acknowledge", "acknowledged"),
        step("agent", "request_info", "pending_customer", **ASK),
        step("agent", "resolve", "resolved", **SOLVED),
        step("customer", "confirm", "closed"),
    ],
    "resolve-a-new-ticket-at-once": [
        step("agent", "resolve", "resolved", **SOLVED),
        step("customer", "confirm", "closed"),
    ],
    "customer-cancels-a-new-ticket": [step("customer", "cancel", "cancelled", **WHY)],
    "customer-cancels-while-asked": [
        step("agent", "request_info", "pending_customer", **ASK),
        step("manager", "cancel", "cancelled", **WHY),
    ],
    "supervisor-cancels-a-ticket-in-progress": [
        step("agent", "start", "in_progress"),
        step("supervisor", "cancel", "cancelled", reason="Duplicate of another ticket."),
    ],
}


@pytest.mark.parametrize("path", list(PATHS), ids=list(PATHS))
async def test_a_ticket_goes_from_new_to_an_end(
    path: str, store: ServiceUnderTest, runtime: TicketStoreRuntime
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    desks = {
        who: Desktop(store.client, who) for who in ("customer", "manager", "agent", "supervisor")
    }
    version = 1
    for done in PATHS[path]:
        desk = desks[done.who]
        if done.action == "reply":
            response = await desk.comment(number, "It is the Lyon site.", "public")
            assert response.status_code == 201, response.text
        else:
            response = await desk.transition(number, done.action, **done.fields)
            assert response.status_code == 200, (done, response.text)
        version += 1
        body = response.json()
        assert body["ticket"]["status"] == done.to
        assert body["ticket"]["version"] == version
        assert response.headers["etag"] == f'"{version}"'
        assert body["change"]["public"] is True
        # The event of this very change: next version, whole ticket, the change.
        event = (await events_of(runtime.session_factory, number))[-1]["data"]
        assert event["version"] == version
        assert event["ticket"]["version"] == version
        assert event["ticket"]["status"] == done.to
        assert event["change"]["kind"] == "status_changed"
        assert event["change"]["to_status"] == done.to
        assert event["change"]["public"] is True
        assert event["change"]["actor"]["sub"] == desk.sub
        # What the customer reads follows every step.
        seen = await desks["customer"].read(number)
        assert seen.json()["status"] == done.to
    events = await events_of(runtime.session_factory, number)
    assert [e["data"]["version"] for e in events] == list(range(1, version + 1))
    timeline = await desks["customer"].history(number)
    assert [entry["to_status"] for entry in timeline] == ["new"] + [s.to for s in PATHS[path]]
    final = await ticket_row(runtime.session_factory, number)
    if final.status == "closed":
        assert final.closed_at is not None
        assert final.resolved_at is not None


async def test_the_change_reports_actions_comments_and_reasons(
    runtime: TicketStoreRuntime, agent: Desktop, customer: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    asked = await agent.transition(number, "request_info", comment="  Which site?  ")
    assert asked.json()["change"]["comment"] == "Which site?"
    cancelled = await customer.transition(number, "cancel", reason="Fixed itself.")
    change = (await events_of(runtime.session_factory, number))[-1]["data"]["change"]
    assert change["action"] == "cancel"
    assert change["reason"] == "Fixed itself."
    assert change["from_status"] == "pending_customer"
    assert change["actor"] == {
        "kind": "customer",
        "sub": "u-acme-claire",
        "name": "Claire Dubois",
        "email": "claire.dubois@acme.example",
    }
    entry = cancelled.json()["change"]
    assert (entry["action"], entry["reason"], entry["actor_kind"]) == (
        "cancel",
        "Fixed itself.",
        "customer",
    )


async def _nothing_changed(runtime: TicketStoreRuntime, number: str, version: int) -> None:
    row = await ticket_row(runtime.session_factory, number)
    assert row.version == version
    assert len(await history_of(runtime.session_factory, number)) == version
    assert len(await events_of(runtime.session_factory, number)) == version


@pytest.mark.parametrize(
    ("who", "action", "fields", "code"),
    [
        # The state machine: not from this status.
        ("agent", "start", {}, "status_does_not_allow"),
        ("agent", "acknowledge", {}, "status_does_not_allow"),
        ("customer", "confirm", {}, "status_does_not_allow"),
        ("customer", "reopen", {}, "status_does_not_allow"),
        # The state machine: not this role's move.
        ("customer", "resolve", SOLVED, "role_may_not"),
        ("customer", "request_info", ASK, "role_may_not"),
        ("agent", "confirm", {}, "role_may_not"),
        ("agent", "cancel", WHY, "role_may_not"),
    ],
)
async def test_moves_the_state_machine_refuses_are_409(
    who: str,
    action: str,
    fields: dict[str, Any],
    code: str,
    store: ServiceUnderTest,
    runtime: TicketStoreRuntime,
    agent: Desktop,
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    assert (await agent.transition(number, "start")).status_code == 200
    response = await Desktop(store.client, who).transition(number, action, **fields)
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code
    assert action in problem["detail"]
    await _nothing_changed(runtime, number, 2)


async def test_final_tickets_refuse_every_move(
    runtime: TicketStoreRuntime, customer: Desktop, agent: Desktop, supervisor: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    assert (await customer.transition(number, "cancel", **WHY)).status_code == 200
    for desk, action, fields in [
        (agent, "start", {}),
        (agent, "resolve", SOLVED),
        (customer, "reopen", {}),
        (customer, "cancel", WHY),
        (supervisor, "cancel", WHY),
    ]:
        response = await desk.transition(number, action, **fields)
        assert response.status_code == 409, (action, response.text)
    await _nothing_changed(runtime, number, 2)


async def test_a_stale_version_is_412_and_changes_nothing(
    runtime: TicketStoreRuntime, agent: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    assert (await agent.transition(number, "acknowledge", version=1)).status_code == 200
    stale = await agent.transition(number, "start", version=1)
    assert stale.status_code == 412, stale.text
    assert stale.json()["type"].endswith("version-mismatch")
    await _nothing_changed(runtime, number, 2)
    # Weak tags never match; of several tags, any one matching is enough.
    headers = {**agent.headers, "If-Match": 'W/"2"'}
    weak = await agent.client.post(
        f"/v1/tickets/{number}/transitions", json={"action": "start"}, headers=headers
    )
    assert weak.status_code == 412
    headers = {**agent.headers, "If-Match": '"1", "2"'}
    listed = await agent.client.post(
        f"/v1/tickets/{number}/transitions", json={"action": "start"}, headers=headers
    )
    assert listed.status_code == 200, listed.text


@pytest.mark.parametrize("if_match", [None, "*"])
async def test_a_transition_without_a_version_is_428(
    if_match: str | None, runtime: TicketStoreRuntime, agent: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    headers = dict(agent.headers)
    if if_match is not None:
        headers["If-Match"] = if_match
    response = await agent.client.post(
        f"/v1/tickets/{number}/transitions", json={"action": "acknowledge"}, headers=headers
    )
    assert response.status_code == 428, response.text
    assert "If-Match" in response.json()["detail"]
    await _nothing_changed(runtime, number, 1)


@pytest.mark.parametrize("if_match", ["3", '"3', "W/3", '"3" junk'])
async def test_a_malformed_if_match_is_422_naming_it(
    if_match: str, runtime: TicketStoreRuntime, agent: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    response = await agent.client.post(
        f"/v1/tickets/{number}/transitions",
        json={"action": "acknowledge"},
        headers={**agent.headers, "If-Match": if_match},
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["field"], error["in"]) == ("If-Match", "header")


@pytest.mark.parametrize(
    ("who", "body", "field"),
    [
        ("agent", {"action": "resolve"}, "comment"),
        ("agent", {"action": "resolve", "comment": "   "}, "comment"),
        ("agent", {"action": "request_info", "comment": ""}, "comment"),
        ("customer", {"action": "cancel"}, "reason"),
        ("customer", {"action": "cancel", "comment": "a comment is not a reason"}, "reason"),
        ("supervisor", {"action": "cancel", "reason": "x" * 2001}, "reason"),
        ("agent", {"action": "resolve", "comment": "bad\x00byte"}, "comment"),
        ("customer", {"action": "customer_reply", "comment": "hi"}, "action"),
        ("agent", {"action": "auto_close"}, "action"),
        ("agent", {"action": "fly"}, "action"),
        ("agent", {}, "action"),
        ("agent", {"action": "start", "priority": "P1"}, "priority"),
    ],
)
async def test_bad_inputs_are_422_naming_the_field(
    who: str,
    body: dict[str, Any],
    field: str,
    store: ServiceUnderTest,
    runtime: TicketStoreRuntime,
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    response = await Desktop(store.client, who).post(number, "transitions", body)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
    await _nothing_changed(runtime, number, 1)


async def test_a_role_that_may_never_transition_is_403(
    store: ServiceUnderTest, runtime: TicketStoreRuntime
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    catalog = Desktop(store.client, "catalog")
    response = await catalog.transition(number, "acknowledge")
    assert response.status_code == 403
    anonymous = await store.client.post(
        f"/v1/tickets/{number}/transitions", json={"action": "acknowledge"}
    )
    assert anonymous.status_code == 401
    await _nothing_changed(runtime, number, 1)


async def test_a_ticket_the_caller_may_not_see_is_404(
    store: ServiceUnderTest, runtime: TicketStoreRuntime
) -> None:
    mine = await new_ticket(runtime.session_factory, runtime.desk)
    outside = await new_ticket(runtime.session_factory, runtime.desk, contract_id="CT-ACME-1003")
    stranger = Desktop(store.client, "other-customer")
    visitor = Desktop(store.client, "customer")
    for desk, number in [(stranger, mine), (visitor, outside)]:
        for response in (
            await desk.transition(number, "cancel", **WHY),
            # Even without If-Match: the ticket's existence is not given away.
            await desk.transition(number, "cancel", version=None, **WHY),
            await desk.comment(number, "hello", "public"),
        ):
            assert response.status_code == 404, response.text
    unknown = await Desktop(store.client, "agent").transition("INC9999999", "start", version=1)
    assert unknown.status_code == 404
    await _nothing_changed(runtime, mine, 1)
    await _nothing_changed(runtime, outside, 1)
    # The manager sees the whole organization and may act on it.
    manager = Desktop(store.client, "manager")
    assert (await manager.transition(outside, "cancel", **WHY)).status_code == 200


def _counted(metrics: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in metrics.splitlines():
        if line.startswith(f"{name}{{{wanted}}} "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_changes_and_refusals_are_counted(
    store: ServiceUnderTest, runtime: TicketStoreRuntime, agent: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    changes = "ticketing_ticket_changes_total"
    refused = "ticketing_ticket_changes_refused_total"
    before = (await store.client.get("/metrics")).text
    await agent.transition(number, "acknowledge")
    await agent.transition(number, "acknowledge", version=1)
    after = (await store.client.get("/metrics")).text
    acknowledged = {"kind": "status_changed", "action": "acknowledge"}
    assert _counted(after, changes, **acknowledged) == _counted(before, changes, **acknowledged) + 1
    mismatch = {"reason": "version_mismatch"}
    assert _counted(after, refused, **mismatch) == _counted(before, refused, **mismatch) + 1
