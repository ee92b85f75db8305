"""``q``: words in French and English, parts of the reference and of the ticket number,
accents and case ignored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from search.adapters import incident_queries

from .conftest import Search
from .factories import DECLARED_AT, ticket_updated
from .tenants import Tenant


async def found(search: Search, tenant: Tenant, q: str) -> set[str]:
    response = await search.client.get(
        "/v1/incidents", params={"q": q, "limit": 200}, headers=tenant.manager()
    )
    assert response.status_code == 200, response.text
    return {item["declaration_id"] for item in response.json()["items"]}


async def seeded(search: Search, tenant: Tenant, **declarations: dict[str, Any]) -> dict[str, str]:
    events = {name: tenant.declaration(**values) for name, values in declarations.items()}
    await search.apply(*events.values())
    return {name: event.data.declaration_id for name, event in events.items()}


async def test_french_words_find_their_other_forms(search: Search) -> None:
    tenant = Tenant()
    ids = await seeded(
        search,
        tenant,
        outage={
            "customer_reference": "Coupure réseau",
            "description": "Les serveurs de l'entrepôt sont injoignables depuis ce matin.",
        },
        other={"customer_reference": "Lenteurs", "description": "La messagerie est lente."},
    )
    for q in ("serveur", "SERVEURS", "entrepot", "Entrepôts", "injoignable", "coupures reseau"):
        assert await found(search, tenant, q) == {ids["outage"]}, q
    # Several words: every one must be there (in either language's sense).
    assert await found(search, tenant, "serveur messagerie") == set()


async def test_english_words_find_their_other_forms(search: Search) -> None:
    tenant = Tenant()
    ids = await seeded(
        search,
        tenant,
        outage={
            "customer_reference": "Storage unavailable",
            "description": "Our databases stopped answering after the maintenance.",
        },
        other={"customer_reference": "Slow mail", "description": "Mails arrive late."},
    )
    for q in ("database", "answered", "maintenances", "STOPPING", "storage"):
        assert await found(search, tenant, q) == {ids["outage"]}, q
    assert await found(search, tenant, "mail") == {ids["other"]}


async def test_accents_are_ignored_both_ways(search: Search) -> None:
    tenant = Tenant()
    ids = await seeded(
        search,
        tenant,
        accented={"customer_reference": "Télécopie Hôpital", "description": "Plus de fax."},
        plain={"customer_reference": "Messagerie", "description": "Le fax de l'hopital."},
    )
    assert await found(search, tenant, "telecopie") == {ids["accented"]}
    assert await found(search, tenant, "hôpital") == {ids["accented"], ids["plain"]}
    assert await found(search, tenant, "HOPITAL") == {ids["accented"], ids["plain"]}


async def test_part_of_the_reference_finds_it(search: Search) -> None:
    tenant = Tenant()
    ids = await seeded(
        search,
        tenant,
        vpn={"customer_reference": "VPN Lyon–Paris coupé", "description": "Plus de lien."},
        other={"customer_reference": "Imprimante", "description": "Bourrage papier."},
    )
    for q in ("lyo", "ON–PAR", "n lyon", "coupe", "VPN L"):
        assert await found(search, tenant, q) == {ids["vpn"]}, q
    # Too short to be a part: two letters only match a whole word.
    assert await found(search, tenant, "yo") == set()


async def test_part_of_the_ticket_number_finds_it(search: Search) -> None:
    tenant = Tenant()
    first, second = tenant.declaration(), tenant.declaration()
    await search.apply(first, second)
    await search.apply(
        ticket_updated(first.data, version=1, ticket_number="INC0001234"),
        ticket_updated(second.data, version=1, ticket_number="INC0098765"),
    )
    for q in ("1234", "0001234", "inc0001234", "INC000123", " 1234 "):
        assert await found(search, tenant, q) == {first.data.declaration_id}, q
    assert await found(search, tenant, "INC00") == {
        first.data.declaration_id,
        second.data.declaration_id,
    }
    assert await found(search, tenant, "98765") == {second.data.declaration_id}
    assert await found(search, tenant, "4321") == set()


async def test_search_syntax_and_stop_words_never_fail(search: Search) -> None:
    tenant = Tenant()
    await seeded(search, tenant, only={"customer_reference": "Panne générale"})
    for q in ('"panne', "panne OR", "-", "le la les", "!:*&|()", "'", "\\", "%_%"):
        response = await search.client.get(
            "/v1/incidents", params={"q": q}, headers=tenant.manager()
        )
        assert response.status_code == 200, (q, response.text)


@pytest.mark.parametrize("dense_from", [1, 2000])
async def test_both_search_plans_give_the_same_pages(
    search: Search, monkeypatch: pytest.MonkeyPatch, dense_from: int
) -> None:
    """Few matches are gathered through the search indexes and sorted; many are found
    walking the list's order. Either way, the same incidents in the same pages."""
    monkeypatch.setattr(incident_queries, "DENSE_MATCHES", dense_from)
    tenant = Tenant()
    events = [
        tenant.declaration(
            customer_reference=f"Panne réseau {index}",
            declared_at=DECLARED_AT + timedelta(minutes=index // 2),
        )
        for index in range(9)
    ]
    await search.apply(*events, tenant.declaration(customer_reference="Autre chose"))
    expected = [
        event.data.declaration_id
        for event in sorted(
            events,
            key=lambda event: (event.data.declared_at, event.data.declaration_id),
            reverse=True,
        )
    ]
    seen: list[str] = []
    params: dict[str, Any] = {"q": "réseau", "limit": 4}
    while True:
        response = await search.client.get("/v1/incidents", params=params, headers=tenant.manager())
        body = response.json()
        seen += [item["declaration_id"] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == expected
