"""GET /v1/incidents/summary: the dashboard's counts, in the caller's scope."""

from __future__ import annotations

from typing import Any

from ticketing_common.reference import Priority, TicketStatus

from .conftest import Search
from .factories import site_for, ticket_updated
from .tenants import OPERATIONS, Tenant

NO_STATUS = {
    "registering": 0,
    "new": 0,
    "acknowledged": 0,
    "in_progress": 0,
    "pending_customer": 0,
    "resolved": 0,
    "closed": 0,
    "cancelled": 0,
}
NO_PRIORITY = {"P1": 0, "P2": 0, "P3": 0, "P4": 0}


async def summary(search: Search, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await search.client.get("/v1/incidents/summary", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def seeded(search: Search) -> Tenant:
    """Four incidents: one registering, three with tickets, over two contracts and sites."""
    tenant = Tenant()
    registering = tenant.declaration(contract=1, site_id="SITE-LYON")
    lyon = tenant.declaration(contract=1, site_id="SITE-LYON")
    paris = tenant.declaration(contract=2, site_id="SITE-PARIS")
    nowhere = tenant.declaration(contract=2, site_id=None)
    await search.apply(registering, lyon, paris, nowhere)
    await search.apply(
        ticket_updated(lyon.data, version=1, priority=Priority.P1),
        ticket_updated(paris.data, version=1, priority=Priority.P1),
        ticket_updated(
            paris.data, version=2, status=TicketStatus.IN_PROGRESS, priority=Priority.P1
        ),
        ticket_updated(nowhere.data, version=1, priority=Priority.P4),
    )
    return tenant


def lyon(incidents: int, open_count: int, highest: str | None) -> dict[str, Any]:
    return {
        "site_id": "SITE-LYON",
        "name": "Lyon Part-Dieu",
        "latitude": 45.7606,
        "longitude": 4.859,
        "incidents": incidents,
        "open": open_count,
        "highest_open_priority": highest,
    }


def paris(incidents: int, open_count: int, highest: str | None) -> dict[str, Any]:
    place = site_for("SITE-PARIS")
    assert place is not None
    return {
        "site_id": "SITE-PARIS",
        "name": place.name,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "incidents": incidents,
        "open": open_count,
        "highest_open_priority": highest,
    }


async def test_a_manager_counts_its_organization(search: Search) -> None:
    tenant = await seeded(search)
    assert await summary(search, tenant.manager()) == {
        "by_status": NO_STATUS | {"registering": 1, "new": 2, "in_progress": 1},
        "by_priority": NO_PRIORITY | {"P1": 2, "P4": 1},
        "by_contract": {tenant.contract(1): 2, tenant.contract(2): 2},
        "by_site": {"SITE-LYON": 2, "SITE-PARIS": 1},
        "total": 4,
        "open": 4,
        "sites": [lyon(2, 2, "P1"), paris(1, 1, "P1")],
    }


async def test_a_visitor_counts_its_perimeter(search: Search) -> None:
    tenant = await seeded(search)
    assert await summary(search, tenant.visitor(1)) == {
        "by_status": NO_STATUS | {"registering": 1, "new": 1},
        "by_priority": NO_PRIORITY | {"P1": 1},
        "by_contract": {tenant.contract(1): 2},
        "by_site": {"SITE-LYON": 2},
        "total": 2,
        "open": 2,
        "sites": [lyon(2, 2, "P1")],
    }


async def test_the_map_shows_open_incidents_and_their_highest_priority(
    search: Search,
) -> None:
    tenant = Tenant()
    urgent_done = tenant.declaration(site_id="SITE-LYON")
    minor_open = tenant.declaration(site_id="SITE-LYON")
    registering = tenant.declaration(site_id="SITE-LYON")
    await search.apply(urgent_done, minor_open, registering)
    await search.apply(
        ticket_updated(urgent_done.data, version=1, priority=Priority.P1),
        ticket_updated(
            urgent_done.data, version=2, status=TicketStatus.RESOLVED, priority=Priority.P1
        ),
        ticket_updated(minor_open.data, version=1, priority=Priority.P3),
    )
    counts = await summary(search, tenant.manager())
    # The resolved P1 is counted, but the site's open ones are a P3 and a registering one.
    assert counts["sites"] == [lyon(3, 2, "P3")]
    assert counts["open"] == 2
    assert (await summary(search, tenant.manager(), open="false"))["sites"] == [lyon(1, 0, None)]


async def test_a_site_no_declaration_described_has_no_place(search: Search) -> None:
    tenant = Tenant()
    await search.apply(tenant.declaration(site_id="SITE-SOMEWHERE", site=None))
    [site] = (await summary(search, tenant.manager()))["sites"]
    assert site["site_id"] == "SITE-SOMEWHERE"
    assert (site["name"], site["latitude"], site["longitude"]) == (None, None, None)


async def test_the_figures_match_the_list_for_the_same_filters(search: Search) -> None:
    tenant = await seeded(search)
    manager = tenant.manager()
    for params in ({}, {"status": "new"}, {"contract": tenant.contract(2)}, {"open": "true"}):
        counts = await summary(search, manager, **params)
        listed = await search.client.get(
            "/v1/incidents", params={**params, "limit": 200}, headers=manager
        )
        items = listed.json()["items"]
        assert counts["total"] == len(items), params
        for status, count in counts["by_status"].items():
            assert count == sum(item["status"] == status for item in items), (params, status)
        for site_id, count in counts["by_site"].items():
            assert count == sum(item["site_id"] == site_id for item in items), (params, site_id)
        for contract_id, count in counts["by_contract"].items():
            assert count == sum(item["contract_id"] == contract_id for item in items)


async def test_the_filters_of_the_list_narrow_the_counts(search: Search) -> None:
    tenant = await seeded(search)
    counts = await summary(search, tenant.manager(), contract=tenant.contract(2), priority="P1")
    assert counts["total"] == 1
    assert counts["by_site"] == {"SITE-PARIS": 1}


async def test_operations_count_the_organization_they_name(search: Search) -> None:
    tenant = await seeded(search)
    assert await summary(search, OPERATIONS, org=tenant.org_id) == await summary(
        search, tenant.manager()
    )
    everything = await summary(search, OPERATIONS)
    assert everything["total"] >= 4


async def test_another_organization_counts_nothing_of_it(search: Search) -> None:
    tenant = await seeded(search)
    assert await summary(search, Tenant().manager(), org=tenant.org_id) == {
        "by_status": NO_STATUS,
        "by_priority": NO_PRIORITY,
        "by_contract": {},
        "by_site": {},
        "total": 0,
        "open": 0,
        "sites": [],
    }
