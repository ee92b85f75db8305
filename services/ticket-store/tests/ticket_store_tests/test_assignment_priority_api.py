"""Assignment and priority override over HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ticket_store.runtime import TicketStoreRuntime
from ticketing_common.reference import ImpactedUsers, MainUsage
from ticketing_devkit.service_testing import ServiceUnderTest

from .support import Desktop, MovableClock, events_of, new_ticket, ticket_row

MAX = {"sub": "u-ops-max", "name": "Max Agent", "email": "max.agent@provider.example"}


async def test_an_agent_takes_a_ticket_and_gives_it_to_another(
    runtime: TicketStoreRuntime, agent: Desktop, customer: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    taken = await agent.assignment(number, "take")
    assert taken.status_code == 200, taken.text
    assert taken.json()["ticket"]["assignee"] == {
        "sub": "u-ops-sam",
        "name": "Sam Agent",
        "email": "sam.agent@provider.example",
    }
    given = await agent.assignment(number, "assign", assignee=MAX)
    assert given.status_code == 200, given.text
    assert given.json()["ticket"]["assignee"] == MAX
    assert given.json()["change"]["assignee"] == MAX
    events = await events_of(runtime.session_factory, number)
    change = events[-1]["data"]["change"]
    assert (change["kind"], change["action"], change["public"]) == ("assigned", "assign", False)
    assert events[-1]["data"]["ticket"]["assignee"] == MAX
    # Internal: the customer's timeline does not show it; their ticket names the assignee.
    assert [e["kind"] for e in await customer.history(number)] == ["created"]
    assert (await customer.read(number)).json()["assignee"]["name"] == "Max Agent"


async def test_a_ticket_held_by_another_agent_goes_through_a_supervisor(
    runtime: TicketStoreRuntime, agent: Desktop, supervisor: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    assert (await supervisor.assignment(number, "take")).status_code == 200
    refused = await agent.assignment(number, "take")
    assert refused.status_code == 409
    assert refused.json()["code"] == "held_by_another"
    assert "Léa Superviseur" in refused.json()["detail"]
    moved = await supervisor.assignment(number, "assign", assignee=MAX)
    assert moved.status_code == 200
    released = await supervisor.assignment(number, "unassign")
    assert released.json()["ticket"]["assignee"] is None
    assert (await agent.assignment(number, "unassign")).status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "assign"}, "assignee"),
        ({"action": "take", "assignee": MAX}, "assignee"),
        ({"action": "assign", "assignee": {"sub": "", "name": "X"}}, "assignee.sub"),
        ({"action": "assign", "assignee": {"sub": "u", "name": " "}}, "assignee.name"),
        (
            {"action": "assign", "assignee": {"sub": "u", "name": "X", "email": "no"}},
            "assignee.email",
        ),
        ({"action": "steal"}, "action"),
    ],
)
async def test_bad_assignments_are_422(
    body: dict[str, object], field: str, runtime: TicketStoreRuntime, agent: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    response = await agent.post(number, "assignment", body)
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]


async def test_who_may_assign(store: ServiceUnderTest, runtime: TicketStoreRuntime) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    for who in ("customer", "manager", "catalog"):
        response = await Desktop(store.client, who).assignment(number, "take")
        assert response.status_code == 403, (who, response.text)
    agent = Desktop(store.client, "agent")
    assert (await agent.assignment(number, "take", version=None)).status_code == 428
    assert (await agent.assignment(number, "take", version=7)).status_code == 412
    assert (await agent.assignment("INC9999998", "take", version=1)).status_code == 404


async def test_a_supervisor_overrides_the_priority_and_the_sla_follows(
    runtime: TicketStoreRuntime, supervisor: Desktop, customer: Desktop, clock: MovableClock
) -> None:
    start = clock.set(clock())
    number = await new_ticket(
        runtime.session_factory,
        runtime.desk,
        impacted_users=ImpactedUsers.ONE_USER,
        main_usage=MainUsage.DEVELOPMENT,
    )
    before = await ticket_row(runtime.session_factory, number)
    assert before.priority == "P4"
    clock.advance(timedelta(minutes=10))
    raised = await supervisor.priority(number, "P1", "Blocks the whole payroll run")
    assert raised.status_code == 200, raised.text
    ticket = raised.json()["ticket"]
    assert (ticket["priority"], ticket["priority_overridden"]) == ("P1", True)
    assert datetime.fromisoformat(ticket["sla"]["resolution_due_at"]) == start + timedelta(hours=4)
    change = (await events_of(runtime.session_factory, number))[-1]["data"]["change"]
    assert (change["kind"], change["public"]) == ("priority_changed", True)
    assert (change["from_priority"], change["to_priority"]) == ("P4", "P1")
    assert change["reason"] == "Blocks the whole payroll run"
    assert change["action"] == "override_priority"
    [entry] = [e for e in await customer.history(number) if e["kind"] == "priority_changed"]
    assert entry["reason"] == "Blocks the whole payroll run"
    back = await supervisor.priority(number, "P4", "Was a test environment after all")
    assert back.json()["ticket"]["priority_overridden"] is False


async def test_priority_override_refusals(
    store: ServiceUnderTest, runtime: TicketStoreRuntime, supervisor: Desktop
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)  # P1
    for who in ("agent", "customer", "manager", "catalog"):
        response = await Desktop(store.client, who).priority(number, "P2", "why")
        assert response.status_code == 403, who
    missing = await supervisor.priority(number, "P2", None)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"
    blank = await supervisor.priority(number, "P2", "  ")
    assert blank.status_code == 422
    unknown = await supervisor.priority(number, "P5", "why")
    assert unknown.json()["errors"][0]["field"] == "priority"
    same = await supervisor.priority(number, "P1", "why")
    assert same.status_code == 409
    assert same.json()["code"] == "unchanged"
    assert (await supervisor.priority(number, "P2", "why", version=None)).status_code == 428
    assert (await ticket_row(runtime.session_factory, number)).version == 1
