"""Keyset pages of the incident list, and the requests it refuses."""

from __future__ import annotations

import asyncio
import base64
import json
import random
from datetime import timedelta
from typing import Any

import pytest

from search.domain.filters import IncidentFilters

from .conftest import Search, token
from .factories import DECLARED_AT, ticket_updated
from .tenants import Tenant


async def test_pages_cover_the_list_once_in_order(search: Search) -> None:
    tenant = Tenant()
    # Several incidents share a time: the declaration id breaks the tie.
    events = [
        tenant.declaration(declared_at=DECLARED_AT + timedelta(minutes=index // 3))
        for index in range(8)
    ]
    await search.apply(*events)
    expected = sorted(
        events,
        key=lambda event: (event.data.declared_at, event.data.declaration_id),
        reverse=True,
    )

    seen: list[str] = []
    pages = 0
    params: dict[str, Any] = {"limit": 3}
    while True:
        response = await search.client.get("/v1/incidents", params=params, headers=tenant.manager())
        assert response.status_code == 200, response.text
        body = response.json()
        pages += 1
        seen += [item["declaration_id"] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]

    assert pages == 3
    assert seen == [event.data.declaration_id for event in expected]


async def test_the_cursor_stays_stable_while_rows_change(search: Search) -> None:
    """Agents work on incidents while a customer pages through the list: each change
    moves an incident to the top. No incident is shown twice, the pages keep their
    order, and every incident that did not change meanwhile is shown exactly once."""
    tenant = Tenant()
    events = [
        tenant.declaration(declared_at=DECLARED_AT + timedelta(minutes=index))
        for index in range(60)
    ]
    await search.apply(*events)
    chooser = random.Random(5)
    changed: set[str] = set()
    paging_done = asyncio.Event()

    async def agents_at_work() -> None:
        version: dict[str, int] = {}
        moment = DECLARED_AT + timedelta(days=1)
        while not paging_done.is_set():
            event = chooser.choice(events)
            key = event.data.declaration_id
            version[key] = version.get(key, 0) + 1
            moment += timedelta(seconds=1)
            changed.add(key)
            await search.apply(ticket_updated(event.data, version=version[key], updated_at=moment))

    async def page_through() -> list[tuple[str, str]]:
        seen: list[tuple[str, str]] = []
        params: dict[str, Any] = {"limit": 7}
        try:
            while True:
                response = await search.client.get(
                    "/v1/incidents", params=params, headers=tenant.manager()
                )
                assert response.status_code == 200, response.text
                body = response.json()
                seen += [(item["updated_at"], item["declaration_id"]) for item in body["items"]]
                if body["next_cursor"] is None:
                    return seen
                params["cursor"] = body["next_cursor"]
                await asyncio.sleep(0)
        finally:
            paging_done.set()

    seen, _ = await asyncio.gather(page_through(), agents_at_work())
    ids = [declaration_id for _, declaration_id in seen]
    assert len(ids) == len(set(ids)), "an incident was shown twice"
    positions = [(updated_at, declaration_id) for updated_at, declaration_id in seen]
    assert positions == sorted(positions, reverse=True), "the pages went out of order"
    unchanged = {event.data.declaration_id for event in events} - changed
    assert unchanged <= set(ids), "an incident that did not change was skipped"
    assert changed, "the agents changed nothing while the list was read"


async def test_a_page_that_ends_the_list_has_no_cursor(search: Search) -> None:
    tenant = Tenant()
    await search.apply(tenant.declaration(), tenant.declaration())
    response = await search.client.get(
        "/v1/incidents", params={"limit": 2}, headers=tenant.manager()
    )
    assert len(response.json()["items"]) == 2
    assert response.json()["next_cursor"] is None


# The fingerprint of a query without filters.
ANY_QUERY = IncidentFilters().fingerprint()


def _cursor(values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not a cursor!"}, "cursor"),
        ({"cursor": _cursor(["2026-11-26T16:00:00+00:00", "d-1"])}, "cursor"),
        ({"cursor": _cursor(["yesterday", "d-1", ANY_QUERY])}, "cursor"),
        ({"cursor": _cursor(["2026-11-26T16:00:00", "d-1", ANY_QUERY])}, "cursor"),
        ({"cursor": _cursor([1, 2, 3])}, "cursor"),
        ({"cursor": _cursor(["2026-11-26T16:00:00+00:00", "d\x00", ANY_QUERY])}, "cursor"),
        ({"cursor": _cursor(["2026-11-26T16:00:00+00:00", "d" * 101, ANY_QUERY])}, "cursor"),
        ({"cursor": _cursor(["0001-01-01T00:00:00+14:00", "d-1", ANY_QUERY])}, "cursor"),
        ({"cursor": _cursor(["2026-11-26T16:00:00+00:00", "d-1", "another query"])}, "cursor"),
        ({"status": "open"}, "status"),
        ({"priority": "P9"}, "priority"),
        ({"from": "last week"}, "from"),
        ({"from": "2026-11-26T16:00:00"}, "from"),
        ({"from": "0001-01-01T00:00:00+14:00"}, "from"),
        ({"to": "9999-12-31T23:59:59-14:00"}, "to"),
        ({"from": "2026-11-26T16:00:00Z", "to": "2026-11-26T15:00:00Z"}, "to"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"q": "x" * 201}, "q"),
    ],
)
async def test_a_bad_query_value_is_a_422_naming_it(
    search: Search, params: dict[str, Any], field: str
) -> None:
    for path in ("/v1/incidents", "/v1/incidents/summary"):
        if field in {"cursor", "limit"} and path.endswith("summary"):
            continue
        response = await search.client.get(path, params=params, headers=Tenant().manager())
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert [error["field"] for error in response.json()["errors"]] == [field]


@pytest.mark.parametrize("path", ["/v1/incidents", "/v1/incidents/summary"])
async def test_a_caller_without_a_valid_token_is_refused(search: Search, path: str) -> None:
    response = await search.client.get(path)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    forged = await search.client.get(path, headers={"Authorization": "Bearer not.a.token"})
    assert forged.status_code == 401


async def test_a_caller_without_a_reading_role_is_forbidden(search: Search) -> None:
    response = await search.client.get("/v1/incidents", headers=token(roles=[]))
    assert response.status_code == 403


@pytest.mark.parametrize("field", ["q", "contract", "element", "org"])
async def test_control_characters_in_a_text_value_are_a_422(search: Search, field: str) -> None:
    response = await search.client.get(
        "/v1/incidents", params={field: "a\x00b"}, headers=Tenant().manager()
    )
    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == [field]
