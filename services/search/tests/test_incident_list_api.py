"""GET /v1/incidents: what an item carries, the order, each filter, and the search text."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ticketing_common.reference import Priority, TicketStatus

from .conftest import Search
from .factories import DECLARED_AT, ticket_updated
from .tenants import Tenant


async def listed(search: Search, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = await search.client.get("/v1/incidents", params=params, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next_cursor"] is None, "a test list fits in one page"
    items: list[dict[str, Any]] = body["items"]
    return items


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["declaration_id"] for item in items]


def zulu(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


async def test_a_declaration_is_listed_as_registering_then_with_its_ticket(
    search: Search,
) -> None:
    tenant = Tenant()
    event = tenant.declaration()
    await search.apply(event)
    [item] = await listed(search, tenant.manager())
    assert item == {
        "declaration_id": event.data.declaration_id,
        "ticket_number": None,
        "customer_reference": "VPN down in Lyon",
        "status": "registering",
        "priority": None,
        "priority_overridden": False,
        "org_id": tenant.org_id,
        "contract_id": tenant.contract(1),
        "element_id": event.data.element_id,
        "site_id": "SITE-LYON",
        "region": "eu-west-0",
        "nature": "unavailable",
        "impacted_users": "one_site",
        "main_usage": "production",
        "occurred_at": zulu(event.data.occurred_at),
        "declared_at": zulu(DECLARED_AT),
        "updated_at": zulu(DECLARED_AT),
        "resolved_at": None,
        "closed_at": None,
        "sla": None,
        "assignee": None,
    }

    ticket = ticket_updated(event.data, version=1, priority=Priority.P1)
    await search.apply(ticket)
    [item] = await listed(search, tenant.manager())
    assert item["ticket_number"] == ticket.data.ticket.ticket_number
    assert item["status"] == "new"
    assert item["priority"] == "P1"
    assert item["updated_at"] == zulu(ticket.data.ticket.updated_at)


async def test_the_newest_change_comes_first(search: Search) -> None:
    tenant = Tenant()
    oldest, middle, newest = (
        tenant.declaration(declared_at=DECLARED_AT + timedelta(minutes=minutes))
        for minutes in (0, 10, 20)
    )
    await search.apply(oldest, middle, newest)
    assert ids(await listed(search, tenant.manager())) == [
        newest.data.declaration_id,
        middle.data.declaration_id,
        oldest.data.declaration_id,
    ]

    # The agent works on the oldest one: it moves to the top.
    await search.apply(
        ticket_updated(oldest.data, version=1, updated_at=DECLARED_AT + timedelta(hours=1))
    )
    assert ids(await listed(search, tenant.manager()))[0] == oldest.data.declaration_id


async def test_each_filter_narrows_the_list(search: Search) -> None:
    tenant = Tenant()
    registering = tenant.declaration(
        contract=1, occurred_at=DECLARED_AT - timedelta(days=3), site_id=None
    )
    urgent = tenant.declaration(contract=1, occurred_at=DECLARED_AT - timedelta(days=2))
    other_contract = tenant.declaration(contract=2, occurred_at=DECLARED_AT - timedelta(days=1))
    await search.apply(registering, urgent, other_contract)
    await search.apply(
        ticket_updated(urgent.data, version=1, priority=Priority.P1),
        ticket_updated(
            other_contract.data,
            version=1,
            status=TicketStatus.IN_PROGRESS,
            priority=Priority.P3,
        ),
    )
    manager = tenant.manager()

    async def found(**params: Any) -> set[str]:
        return set(ids(await listed(search, manager, **params)))

    assert await found() == {
        registering.data.declaration_id,
        urgent.data.declaration_id,
        other_contract.data.declaration_id,
    }
    assert await found(status="registering") == {registering.data.declaration_id}
    assert await found(status="in_progress") == {other_contract.data.declaration_id}
    assert await found(status="closed") == set()
    assert await found(contract=tenant.contract(2)) == {other_contract.data.declaration_id}
    assert await found(element=urgent.data.element_id) == {
        registering.data.declaration_id,
        urgent.data.declaration_id,
    }
    assert await found(priority="P1") == {urgent.data.declaration_id}
    assert await found(contract=tenant.contract(1), priority="P3") == set()
    # from is inclusive, to exclusive.
    assert await found(
        **{"from": urgent.data.occurred_at.isoformat(), "to": DECLARED_AT.isoformat()}
    ) == {urgent.data.declaration_id, other_contract.data.declaration_id}
    assert await found(to=urgent.data.occurred_at.isoformat()) == {registering.data.declaration_id}
    # Another offset, the same instant.
    paris = (urgent.data.occurred_at + timedelta(hours=1)).isoformat().replace("+00:00", "+01:00")
    assert await found(**{"from": paris}) == {
        urgent.data.declaration_id,
        other_contract.data.declaration_id,
    }


async def test_the_search_text_ignores_case_and_accents(search: Search) -> None:
    tenant = Tenant()
    school = tenant.declaration(
        customer_reference="Téléphonie HS",
        description="La ligne de l'ÉCOLE Hélène-Boucher est coupée depuis 9 h.",
    )
    vpn = tenant.declaration(customer_reference="VPN Lyon", description="Plus de VPN.")
    await search.apply(school, vpn)
    await search.apply(ticket_updated(vpn.data, version=1))
    manager = tenant.manager()

    async def found(q: str) -> set[str]:
        return set(ids(await listed(search, manager, q=q)))

    for text in ("ecole", "École", "HELENE-boucher", "coupee", "telephonie hs", "  ecole  "):
        assert await found(text) == {school.data.declaration_id}, text
    assert await found("vpn lyon") == {vpn.data.declaration_id}
    number = ticket_updated(vpn.data, version=1).data.ticket.ticket_number
    assert await found(number.lower()) == {vpn.data.declaration_id}
    assert await found(number[3:]) == {vpn.data.declaration_id}
    assert await found("nowhere to be found") == set()


async def test_like_wildcards_in_the_search_text_are_plain_characters(search: Search) -> None:
    tenant = Tenant()
    percent = tenant.declaration(customer_reference="Loss at 100% since noon")
    digits = tenant.declaration(customer_reference="Loss at 1000 ms since noon")
    underscore = tenant.declaration(customer_reference="Host web_01 unreachable")
    plain = tenant.declaration(customer_reference="Host webX01 unreachable")
    backslash = tenant.declaration(customer_reference="Share \\\\files\\x is gone")
    await search.apply(percent, digits, underscore, plain, backslash)
    manager = tenant.manager()

    async def found(q: str) -> set[str]:
        return set(ids(await listed(search, manager, q=q)))

    assert await found("100%") == {percent.data.declaration_id}
    assert await found("b_01") == {underscore.data.declaration_id}
    assert await found("% s") == {percent.data.declaration_id}
    assert await found("\\files\\") == {backslash.data.declaration_id}
