"""GET /v1/incidents/summary: the dashboard's counts, in the caller's scope."""

from __future__ import annotations

from typing import Any

from ticketing_common.reference import Priority, TicketStatus

from .conftest import Search
from .factories import ticket_updated
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


async def test_a_manager_counts_its_organization(search: Search) -> None:
    tenant = await seeded(search)
    assert await summary(search, tenant.manager()) == {
        "by_status": NO_STATUS | {"registering": 1, "new": 2, "in_progress": 1},
        "by_priority": NO_PRIORITY | {"P1": 2, "P4": 1},
        "by_contract": {tenant.contract(1): 2, tenant.contract(2): 2},
        "by_site": {"SITE-LYON": 2, "SITE-PARIS": 1},
        "total": 4,
    }


async def test_a_visitor_counts_its_perimeter(search: Search) -> None:
    tenant = await seeded(search)
    assert await summary(search, tenant.visitor(1)) == {
        "by_status": NO_STATUS | {"registering": 1, "new": 1},
        "by_priority": NO_PRIORITY | {"P1": 1},
        "by_contract": {tenant.contract(1): 2},
        "by_site": {"SITE-LYON": 2},
        "total": 2,
    }


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
    }
