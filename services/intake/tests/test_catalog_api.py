"""The catalog: upserts for ops:catalog, and what each caller may pick from."""

from __future__ import annotations

import base64
import json
import uuid
from urllib.parse import quote

from ticketing_devkit.service_testing import ServiceUnderTest as Intake
from ticketing_devkit.service_testing import auth_as as auth


async def test_upserts_create_then_update_and_read_back_with_the_id(intake: Intake) -> None:
    org = f"ORG-{uuid.uuid4().hex[:6]}"
    url = f"/v1/catalog/organizations/{org}"
    created = await intake.client.put(url, json={"name": "Initech"}, headers=auth("catalog"))
    assert created.status_code == 201
    assert created.json() == {"id": org, "name": "Initech"}
    again = await intake.client.put(url, json={"name": "Initech"}, headers=auth("catalog"))
    assert again.status_code == 200
    renamed = await intake.client.put(url, json={"name": "Initech SA"}, headers=auth("catalog"))
    assert renamed.status_code == 200
    read = await intake.client.get(url, headers=auth("agent"))
    assert read.json() == {"id": org, "name": "Initech SA"}


async def test_only_ops_catalog_writes_the_catalog(intake: Intake) -> None:
    body = {"name": "Nope"}
    for user in ("customer", "manager", "agent"):
        response = await intake.client.put(
            "/v1/catalog/organizations/ORG-NOPE", json=body, headers=auth(user)
        )
        assert response.status_code == 403, user
        assert response.headers["content-type"] == "application/problem+json"
    unauthenticated = await intake.client.put("/v1/catalog/organizations/ORG-NOPE", json=body)
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["www-authenticate"].startswith("Bearer")


async def test_catalog_bodies_are_checked_field_by_field(intake: Intake) -> None:
    response = await intake.client.put(
        "/v1/catalog/contracts/CT-X",
        json={"org_id": "ORG-UNKNOWN", "number": "X-1", "label": "x", "status": "active"},
        headers=auth("catalog"),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["org_id"]
    response = await intake.client.put(
        "/v1/catalog/contracts/CT-X",
        json={"org_id": "ORG-ACME", "number": "1001", "label": "x", "status": "active"},
        headers=auth("catalog"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "number"
    response = await intake.client.put(
        "/v1/catalog/sites/SITE-X",
        json={"org_id": "ORG-ACME", "name": "x", "address": "y", "latitude": 91, "longitude": 0},
        headers=auth("catalog"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "latitude"
    response = await intake.client.put(
        "/v1/catalog/contacts/C-ACME-JEANNE",
        json={"org_id": "ORG-GLOBEX", "name": "J", "email": "j@x.example", "language": "fr"},
        headers=auth("catalog"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "immutable"


async def test_a_visitor_picks_from_the_contracts_of_their_perimeter(intake: Intake) -> None:
    visitor = await intake.client.get("/v1/contracts", headers=auth("customer"))
    assert [c["id"] for c in visitor.json()["items"]] == ["CT-ACME-1001", "CT-ACME-1002"]
    manager = await intake.client.get("/v1/contracts", headers=auth("manager"))
    assert {c["id"] for c in manager.json()["items"]} == {
        "CT-ACME-0900",
        "CT-ACME-1001",
        "CT-ACME-1002",
        "CT-ACME-1003",
    }
    other = await intake.client.get("/v1/contracts", headers=auth("other-customer"))
    assert {c["org_id"] for c in other.json()["items"]} == {"ORG-GLOBEX"}
    trying = await intake.client.get("/v1/contracts?org=ORG-ACME", headers=auth("other-customer"))
    assert trying.json()["items"] == []


async def test_elements_are_found_by_contract_number_or_service_name(intake: Intake) -> None:
    by_number = await intake.client.get("/v1/elements?q=1002", headers=auth("customer"))
    assert [e["id"] for e in by_number.json()["items"]] == ["EL-ACME-VPN-1"]
    by_service = await intake.client.get("/v1/elements?q=flexible", headers=auth("customer"))
    assert [e["id"] for e in by_service.json()["items"]] == ["EL-ACME-FE-1", "EL-ACME-FE-2"]
    by_word = await intake.client.get("/v1/elements?q=ENGINE", headers=auth("customer"))
    assert len(by_word.json()["items"]) == 2
    accents = await intake.client.get("/v1/elements?q=recette", headers=auth("customer"))
    assert [e["id"] for e in accents.json()["items"]] == ["EL-ACME-FE-2"]
    # The backup contract is outside the visitor's perimeter; the manager finds it.
    hidden = await intake.client.get("/v1/elements?q=sauvegarde", headers=auth("customer"))
    assert hidden.json()["items"] == []
    seen = await intake.client.get("/v1/elements?q=sauvegarde", headers=auth("manager"))
    assert [e["id"] for e in seen.json()["items"]] == ["EL-ACME-BKP-1"]
    of_contract = await intake.client.get(
        "/v1/elements?contract=CT-ACME-1001", headers=auth("customer")
    )
    assert [e["id"] for e in of_contract.json()["items"]] == ["EL-ACME-FE-1", "EL-ACME-FE-2"]


async def test_lists_are_paged_with_an_opaque_cursor(intake: Intake) -> None:
    seen: list[str] = []
    cursor = None
    while True:
        url = "/v1/sites?limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = (await intake.client.get(url, headers=auth("manager"))).json()
        seen.extend(site["id"] for site in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["SITE-ACME-LYON", "SITE-ACME-PARIS", "SITE-ACME-RENNES"]
    bad = await intake.client.get("/v1/sites?cursor=%%%", headers=auth("manager"))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "cursor"
    too_many = await intake.client.get("/v1/sites?limit=1000", headers=auth("manager"))
    assert too_many.status_code == 422


async def test_contacts_are_searched_by_name_or_email_accents_ignored(intake: Intake) -> None:
    by_name = await intake.client.get("/v1/contacts?q=berenger", headers=auth("customer"))
    assert [c["id"] for c in by_name.json()["items"]] == ["C-ACME-THOMAS"]
    by_email = await intake.client.get("/v1/contacts?q=noc@", headers=auth("customer"))
    assert [c["id"] for c in by_email.json()["items"]] == ["C-ACME-NOC"]
    other_org = await intake.client.get("/v1/contacts?q=amelie", headers=auth("customer"))
    assert other_org.json()["items"] == []


async def test_reference_lists_carry_both_languages(intake: Intake) -> None:
    response = await intake.client.get("/v1/reference", headers=auth("customer"))
    body = response.json()
    natures = {item["code"]: item["labels"] for item in body["natures"]}
    assert natures["unavailable"] == {"fr": "Service indisponible", "en": "Service unavailable"}
    assert {item["code"] for item in body["impacted_users"]} >= {"one_site", "all_users"}
    assert {item["code"] for item in body["main_usages"]} >= {"production"}


async def test_control_characters_in_a_search_are_refused_not_a_crash(intake: Intake) -> None:
    for url in ("/v1/elements?q=a%00b", "/v1/contacts?q=%0A", "/v1/elements?contract=%00"):
        response = await intake.client.get(url, headers=auth("customer"))
        assert response.status_code == 422, url
        assert response.json()["errors"][0]["in"] == "query"


async def test_searches_ignore_accents_and_case_even_typed_in_capitals(intake: Intake) -> None:
    for query in ("BÉRENGER", "Bérenger", "BERENGER", "bér", "THOMAS.B"):
        found = await intake.client.get(f"/v1/contacts?q={query}", headers=auth("customer"))
        assert [c["id"] for c in found.json()["items"]] == ["C-ACME-THOMAS"], query
    amelie = await intake.client.get("/v1/contacts?q=AMÉLIE", headers=auth("other-customer"))
    assert [c["id"] for c in amelie.json()["items"]] == ["C-GLOBEX-AMELIE"]
    recette = await intake.client.get("/v1/elements?q=RÉCETTE", headers=auth("customer"))
    assert [e["id"] for e in recette.json()["items"]] == ["EL-ACME-FE-2"]


async def test_a_contract_number_typed_partially_finds_its_elements(intake: Intake) -> None:
    partial = await intake.client.get("/v1/elements?q=10", headers=auth("customer"))
    assert [e["id"] for e in partial.json()["items"]] == [
        "EL-ACME-FE-1",
        "EL-ACME-FE-2",
        "EL-ACME-VPN-1",
    ]
    assert (await intake.client.get("/v1/elements?q=100", headers=auth("customer"))).json()[
        "items"
    ] == partial.json()["items"]
    nothing = await intake.client.get("/v1/elements?q=2001", headers=auth("customer"))
    assert nothing.json()["items"] == []


async def test_numbers_and_labels_split_on_punctuation(intake: Intake) -> None:
    org = f"ORG-{uuid.uuid4().hex[:6]}"
    catalog = auth("catalog")
    await intake.client.put(f"/v1/catalog/organizations/{org}", json={"name": "P"}, headers=catalog)
    contract = {"org_id": org, "number": f"FR-2024/{org[-6:]}", "label": "L", "status": "active"}
    assert (
        await intake.client.put(f"/v1/catalog/contracts/{org}-C", json=contract, headers=catalog)
    ).status_code == 201
    element = {
        "contract_id": f"{org}-C",
        "label": "Liaison Lyon–Paris (secours)",
        "service_type": "Business VPN",
        "regions": [],
    }
    await intake.client.put(f"/v1/catalog/elements/{org}-E", json=element, headers=catalog)
    for query in (org[-6:], "fr-2024", "FR 2024", "2024/", "paris", "secours", "business v"):
        found = await intake.client.get(f"/v1/elements?org={org}&q={query}", headers=auth("agent"))
        assert [e["id"] for e in found.json()["items"]] == [f"{org}-E"], query
    # Punctuation alone is no search at all.
    everything = await intake.client.get(f"/v1/elements?org={org}&q=_-", headers=auth("agent"))
    assert [e["id"] for e in everything.json()["items"]] == [f"{org}-E"]
    for query in ("%", "ecours", "2024 fr", "\\"):
        found = await intake.client.get(
            f"/v1/elements?org={org}&q={quote(query)}", headers=auth("agent")
        )
        assert found.json()["items"] == [], query


async def test_a_search_is_paged_like_any_list(intake: Intake) -> None:
    seen: list[str] = []
    url = "/v1/elements?q=flexible&limit=1"
    page = (await intake.client.get(url, headers=auth("manager"))).json()
    while True:
        seen.extend(e["id"] for e in page["items"])
        if page["next_cursor"] is None:
            break
        page = (
            await intake.client.get(f"{url}&cursor={page['next_cursor']}", headers=auth("manager"))
        ).json()
    assert seen == ["EL-ACME-FE-1", "EL-ACME-FE-2"]


async def test_contracts_open_to_declarations_can_be_asked_for(intake: Intake) -> None:
    active = await intake.client.get("/v1/contracts?status=active", headers=auth("manager"))
    assert {c["id"] for c in active.json()["items"]} == {
        "CT-ACME-1001",
        "CT-ACME-1002",
        "CT-ACME-1003",
    }
    bad = await intake.client.get("/v1/contracts?status=open", headers=auth("manager"))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "status"


async def test_catalog_texts_refuse_control_characters_and_unknown_fields(intake: Intake) -> None:
    catalog = auth("catalog")
    url = "/v1/catalog/organizations/ORG-CTRL"
    for body, field in (
        ({"name": "bad\u0000name"}, "name"),
        ({"name": "line\u2028break"}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "ok", "colour": "red"}, "colour"),
    ):
        response = await intake.client.put(url, json=body, headers=catalog)
        assert response.status_code == 422, body
        assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_catalog_values_of_the_wrong_type_or_size_are_refused(intake: Intake) -> None:
    catalog = auth("catalog")
    site = {"org_id": "ORG-ACME", "name": "x", "address": "y", "latitude": 45.0, "longitude": 4}
    for field, value in (("latitude", False), ("longitude", "4.8")):
        response = await intake.client.put(
            "/v1/catalog/sites/SITE-TYPED", json={**site, field: value}, headers=catalog
        )
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == [field]
    element = {
        "contract_id": "CT-ACME-1001",
        "label": "x",
        "service_type": "S" * 101,
        "regions": [],
    }
    response = await intake.client.put(
        "/v1/catalog/elements/EL-LONG", json=element, headers=catalog
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["service_type"]


async def test_unknown_query_parameters_are_refused_by_name(intake: Intake) -> None:
    response = await intake.client.get(
        "/v1/elements?contrat=CT-ACME-1001&q=vpn", headers=auth("customer")
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["in"], error["code"]) == ("contrat", "query", "unknown_parameter")
    # Authentication comes first: a stranger learns nothing more than 401.
    assert (await intake.client.get("/v1/elements?contrat=x")).status_code == 401


async def test_a_wrong_method_is_told_every_method_the_path_takes(intake: Intake) -> None:
    response = await intake.client.delete(
        "/v1/catalog/contracts/CT-ACME-1001", headers=auth("catalog")
    )
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["allow"] == "GET, PUT"


async def test_a_forged_cursor_is_refused_not_a_crash(intake: Intake) -> None:
    for value in ("\u0000", "\ud800", 42, "a b"):
        raw = json.dumps([value]).encode()
        cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        response = await intake.client.get(f"/v1/sites?cursor={cursor}", headers=auth("manager"))
        assert response.status_code == 422, value
        assert response.json()["errors"][0]["field"] == "cursor"
