"""The operations' queues: filters, orders, pages, and who may read them."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from ticket_store.runtime import TicketStoreRuntime
from ticketing_common.reference import ImpactedUsers, MainUsage
from ticketing_devkit.service_testing import ServiceUnderTest

from .support import Desktop, MovableClock, new_ticket


async def queue(desk: Desktop, **params: Any) -> list[str]:
    response = await desk.client.get("/v1/tickets", params=params, headers=desk.headers)
    assert response.status_code == 200, response.text
    return [item["ticket_number"] for item in response.json()["items"]]


async def every_page(desk: Desktop, **params: Any) -> list[str]:
    numbers: list[str] = []
    cursor: str | None = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = await desk.client.get("/v1/tickets", params=query, headers=desk.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        numbers += [item["ticket_number"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return numbers


@pytest.fixture
def org() -> str:
    """An organization of this test alone, so the queue holds only its tickets."""
    return f"ORG-Q-{uuid.uuid4().hex[:8]}"


async def test_queues_filter_by_status_priority_assignee_and_breach(
    runtime: TicketStoreRuntime,
    org: str,
    agent: Desktop,
    supervisor: Desktop,
    clock: MovableClock,
) -> None:
    start = clock.set(clock())
    p1 = await new_ticket(runtime.session_factory, runtime.desk, org_id=org)
    p4 = await new_ticket(
        runtime.session_factory,
        runtime.desk,
        org_id=org,
        impacted_users=ImpactedUsers.ONE_USER,
        main_usage=MainUsage.DEVELOPMENT,
    )
    p2 = await new_ticket(
        runtime.session_factory, runtime.desk, org_id=org, impacted_users=ImpactedUsers.ONE_SITE
    )
    await agent.assignment(p1, "take")
    await supervisor.assignment(p4, "take")
    await agent.transition(p4, "acknowledge")
    # Past P1's response target: the next change on it records the breach first.
    clock.set(start + timedelta(minutes=45))
    noted = await agent.comment(p1, "Checking.", "internal")
    assert noted.json()["ticket"]["version"] == 4  # created, taken, breach, comment
    assert noted.json()["ticket"]["sla"]["response_breached"] is True

    assert await queue(agent, org=org) == [p1, p2, p4]  # soonest due first
    assert await queue(agent, org=org, sort="newest") == [p2, p4, p1]
    assert await queue(agent, org=org, status="new") == [p1, p2]
    assert await queue(agent, org=org, status=["acknowledged", "new"]) == [p1, p2, p4]
    assert await queue(agent, org=org, priority=["P1", "P4"]) == [p1, p4]
    assert await queue(agent, org=org, assignee="me") == [p1]
    assert await queue(supervisor, org=org, assignee="me") == [p4]
    assert await queue(agent, org=org, assignee="u-ops-lea") == [p4]
    assert await queue(agent, org=org, assignee="none") == [p2]
    assert await queue(agent, org=org, breached="true") == [p1]
    assert await queue(agent, org=org, breached="false") == [p2, p4]
    assert await queue(agent, org=f"{org}-nobody") == []
    response = await agent.client.get(
        "/v1/tickets", params={"org": org, "limit": 1}, headers=agent.headers
    )
    [item] = response.json()["items"]
    assert item["ticket_number"] == p1
    assert item["assignee"]["sub"] == "u-ops-sam"
    assert item["sla"]["response_breached"] is True
    assert item["version"] == 4
    assert "description" not in item


@pytest.mark.parametrize("sort", ["due", "newest"])
async def test_pages_follow_each_other_without_gaps_or_repeats(
    sort: str, runtime: TicketStoreRuntime, org: str, agent: Desktop, clock: MovableClock
) -> None:
    start = clock.set(clock())
    created = []
    for minutes in (0, 0, 5, 5, 9):
        clock.set(start + timedelta(minutes=minutes))
        created.append(await new_ticket(runtime.session_factory, runtime.desk, org_id=org))
    everything = await queue(agent, org=org, sort=sort, limit=200)
    assert sorted(everything) == sorted(created)
    assert await every_page(agent, org=org, sort=sort, limit=2) == everything


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "open"}, "status"),
        ({"priority": "P9"}, "priority"),
        ({"breached": "maybe"}, "breached"),
        ({"sort": "random"}, "sort"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "WyJuZXdlc3QiLCIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwiSU5DMSJd"}, "cursor"),
        ({"cursor": "WyJkdWUiLCJ5ZXN0ZXJkYXkiLCJJTkMxIl0"}, "cursor"),
        ({"org": "bad org"}, "org"),
        ({"assignee": "a\x01b"}, "assignee"),
    ],
)
async def test_bad_queue_parameters_are_422(
    params: dict[str, Any], field: str, agent: Desktop
) -> None:
    response = await agent.client.get("/v1/tickets", params=params, headers=agent.headers)
    assert response.status_code == 422, response.text
    # A repeated parameter is named with its position: status[0].
    named = [error["field"].split("[")[0] for error in response.json()["errors"]]
    assert field in named


async def test_queues_are_for_agents_and_supervisors(store: ServiceUnderTest) -> None:
    for who in ("customer", "manager", "other-customer", "catalog"):
        response = await store.client.get("/v1/tickets", headers=Desktop(store.client, who).headers)
        assert response.status_code == 403, who
    assert (await store.client.get("/v1/tickets")).status_code == 401
