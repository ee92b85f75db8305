"""Who sees which incidents: a visitor its perimeter, a manager its organization,
operations everything."""

from __future__ import annotations

from typing import Any

from .conftest import Search, token
from .factories import unique
from .tenants import OPERATIONS, Tenant


async def visible(search: Search, headers: dict[str, str], **params: Any) -> set[str]:
    response = await search.client.get(
        "/v1/incidents", params={"limit": 200, **params}, headers=headers
    )
    assert response.status_code == 200, response.text
    return {item["declaration_id"] for item in response.json()["items"]}


async def test_a_visitor_sees_the_contracts_of_its_perimeter_only(search: Search) -> None:
    tenant = Tenant()
    mine, not_mine = tenant.declaration(contract=1), tenant.declaration(contract=2)
    await search.apply(mine, not_mine)

    assert await visible(search, tenant.visitor(1)) == {mine.data.declaration_id}
    assert await visible(search, tenant.visitor(1), contract=tenant.contract(2)) == set()
    assert await visible(search, tenant.visitor()) == set()
    assert await visible(search, tenant.visitor_of_all()) == {
        mine.data.declaration_id,
        not_mine.data.declaration_id,
    }


async def test_a_manager_sees_its_whole_organization(search: Search) -> None:
    tenant = Tenant()
    first, second = tenant.declaration(contract=1), tenant.declaration(contract=2)
    await search.apply(first, second)
    everything = {first.data.declaration_id, second.data.declaration_id}
    # Even with a narrower perimeter in its token: managing is seeing the organization.
    assert await visible(search, tenant.manager(1)) == everything
    assert await visible(search, tenant.manager(), org=tenant.org_id) == everything


async def test_another_organization_sees_nothing(search: Search) -> None:
    tenant, stranger = Tenant(), Tenant()
    await search.apply(tenant.declaration(contract=1))
    assert await visible(search, stranger.manager()) == set()
    assert await visible(search, stranger.manager(), org=tenant.org_id) == set()
    # Same contract id in another organization's token still shows nothing.
    intruder = token(
        roles=["customer:visitor"], org=stranger.org_id, perimeter=[tenant.contract(1)]
    )
    assert await visible(search, intruder) == set()


async def test_operations_see_every_organization_or_the_one_they_name(search: Search) -> None:
    marker = unique("outage")
    first, second = Tenant(), Tenant()
    ours = first.declaration(description=f"Shared {marker}")
    theirs = second.declaration(description=f"Shared {marker}")
    await search.apply(ours, theirs)

    assert await visible(search, OPERATIONS, q=marker) == {
        ours.data.declaration_id,
        theirs.data.declaration_id,
    }
    assert await visible(search, OPERATIONS, q=marker, org=second.org_id) == {
        theirs.data.declaration_id
    }
    supervisor = token(roles=["ops:supervisor"])
    assert len(await visible(search, supervisor, q=marker)) == 2
