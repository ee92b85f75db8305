"""The list's filters that take several values, ``open``, ``site`` and ``recent``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ticketing_common.reference import Priority, TicketStatus

from .conftest import Search, SettableClock
from .factories import DECLARED_AT, ticket_updated
from .tenants import OPERATIONS, Tenant


async def found(search: Search, headers: dict[str, str], params: Any) -> set[str]:
    response = await search.client.get("/v1/incidents", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return {item["declaration_id"] for item in response.json()["items"]}


async def test_several_values_of_a_filter_match_any_of_them(search: Search) -> None:
    tenant = Tenant()
    registering = tenant.declaration(contract=1, site_id="SITE-A")
    working = tenant.declaration(contract=2, site_id="SITE-B")
    done = tenant.declaration(contract=3, site_id=None)
    await search.apply(registering, working, done)
    await search.apply(
        ticket_updated(working.data, version=1, priority=Priority.P1),
        ticket_updated(working.data, version=2, status=TicketStatus.IN_PROGRESS),
        ticket_updated(done.data, version=1, priority=Priority.P3),
        ticket_updated(done.data, version=2, status=TicketStatus.CLOSED, priority=Priority.P3),
    )
    manager = tenant.manager()
    r, w, d = (event.data.declaration_id for event in (registering, working, done))

    assert await found(search, manager, [("status", "registering"), ("status", "closed")]) == {
        r,
        d,
    }
    assert await found(search, manager, {"open": "true"}) == {r, w}
    assert await found(search, manager, {"open": "false"}) == {d}
    assert await found(search, manager, [("open", "true"), ("status", "closed")]) == set()
    assert await found(
        search, manager, [("contract", tenant.contract(1)), ("contract", tenant.contract(3))]
    ) == {r, d}
    assert await found(
        search,
        manager,
        [("element", registering.data.element_id), ("element", working.data.element_id)],
    ) == {r, w}
    assert await found(search, manager, [("priority", "P2"), ("priority", "P3")]) == {w, d}
    assert await found(search, manager, {"site": "SITE-B"}) == {w}
    assert await found(search, manager, [("site", "SITE-A"), ("site", "SITE-B")]) == {r, w}


async def test_recent_is_a_change_in_the_last_seven_days(
    search: Search, clock: SettableClock
) -> None:
    tenant = Tenant()
    old = tenant.declaration(declared_at=DECLARED_AT - timedelta(days=30))
    revived = tenant.declaration(declared_at=DECLARED_AT - timedelta(days=20))
    fresh = tenant.declaration(declared_at=DECLARED_AT - timedelta(hours=1))
    await search.apply(old, revived, fresh)
    # An old incident the agent moved on yesterday is recent again.
    await search.apply(
        ticket_updated(revived.data, version=1, updated_at=DECLARED_AT - timedelta(days=1))
    )
    manager = tenant.manager()
    clock.now = DECLARED_AT
    assert await found(search, manager, {"recent": "true"}) == {
        revived.data.declaration_id,
        fresh.data.declaration_id,
    }
    clock.now = DECLARED_AT + timedelta(days=6, hours=12)
    assert await found(search, manager, {"recent": "true"}) == {fresh.data.declaration_id}
    assert len(await found(search, manager, {"recent": "false"})) == 3


async def test_operations_narrow_to_one_organization(search: Search) -> None:
    first, second = Tenant(), Tenant()
    mine, theirs = first.declaration(), second.declaration()
    await search.apply(mine, theirs)
    assert await found(search, OPERATIONS, {"org": first.org_id}) == {mine.data.declaration_id}
    assert await found(search, OPERATIONS, {"org": second.org_id, "limit": 200}) == {
        theirs.data.declaration_id
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ([("status", "new"), ("status", "opened")], "status"),
        ([("priority", "P1"), ("priority", "p2")], "priority"),
        ([("contract", "CT-1"), ("contract", "CT\x00")], "contract"),
        ([("element", "x" * 101)], "element"),
        ([("site", "")], "site"),
        ([("contract", f"CT-{index}") for index in range(51)], "contract"),
        ({"open": "maybe"}, "open"),
        ({"recent": "yesterday"}, "recent"),
    ],
)
async def test_a_bad_value_of_a_filter_is_a_422_naming_it(
    search: Search, params: Any, field: str
) -> None:
    for path in ("/v1/incidents", "/v1/incidents/summary"):
        response = await search.client.get(path, params=params, headers=Tenant().manager())
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert [error["field"] for error in response.json()["errors"]] == [field]


async def test_every_bad_filter_is_reported_at_once(search: Search) -> None:
    response = await search.client.get(
        "/v1/incidents",
        params=[("status", "x"), ("priority", "y"), ("site", "\x01")],
        headers=Tenant().manager(),
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [error["field"] for error in errors] == ["status", "priority", "site"]
    assert "'x'" in errors[0]["message"]
    assert "registering" in errors[0]["message"]
