"""``/v1/events``: the journal of every event, for operations, and its live tail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from .conftest import Search, token
from .factories import DECLARED_AT, AnyEvent, ticket_updated
from .live import open_stream
from .tenants import OPERATIONS, Tenant


def at(event: AnyEvent, minutes: int) -> AnyEvent:
    """The event, as if published ``minutes`` after the reference time."""
    return event.model_copy(update={"time": DECLARED_AT + timedelta(minutes=minutes)})


async def journal(search: Search, **params: Any) -> list[dict[str, Any]]:
    response = await search.client.get(
        "/v1/events", params={"limit": 200, **params}, headers=OPERATIONS
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def story(search: Search) -> tuple[Tenant, list[AnyEvent]]:
    tenant = Tenant()
    declared = at(tenant.declaration(), 0)
    events = [
        declared,
        at(ticket_updated(declared.data, version=1), 1),
        at(ticket_updated(declared.data, version=2, public=False), 2),
    ]
    await search.apply(*events)
    return tenant, events


async def test_every_event_of_a_declaration_by_its_correlation_id(search: Search) -> None:
    tenant, events = await story(search)
    declared = events[0]
    await search.apply(tenant.declaration())
    items = await journal(search, correlation_id=declared.correlationid)
    assert [item["id"] for item in items] == [event.id for event in events]
    first = items[0]
    assert first == {
        "position": first["position"],
        "id": declared.id,
        "type": "incident.declared.v1",
        "source": "/services/intake",
        "time": "2026-11-26T16:00:00Z",
        "subject": None,
        "correlation_id": declared.correlationid,
        "org_id": tenant.org_id,
        "ticket_number": None,
        "received_at": first["received_at"],
        "data": declared.model_dump(mode="json")["data"],
    }
    positions = [item["position"] for item in items]
    assert positions == sorted(positions)


async def test_a_ticket_number_finds_its_whole_story(search: Search) -> None:
    _, events = await story(search)
    number = events[1].data.ticket.ticket_number
    items = await journal(search, ticket=number)
    # The declaration came before the ticket had a number; it belongs to the story.
    assert [item["id"] for item in items] == [event.id for event in events]
    assert await journal(search, ticket="INC9999999") == []


async def test_the_journal_is_filtered_by_type_time_and_organization(search: Search) -> None:
    tenant, events = await story(search)
    correlation = events[0].correlationid

    async def ids(**params: Any) -> list[str]:
        return [item["id"] for item in await journal(search, correlation_id=correlation, **params)]

    assert await ids(type="ticket.updated.v1") == [events[1].id, events[2].id]
    assert await ids(type=["ticket.updated.v1", "incident.declared.v1"]) == [
        event.id for event in events
    ]
    assert await ids(after=(DECLARED_AT + timedelta(minutes=1)).isoformat()) == [
        events[1].id,
        events[2].id,
    ]
    assert await ids(before=(DECLARED_AT + timedelta(minutes=1)).isoformat()) == [events[0].id]
    assert await ids(org=tenant.org_id, order="desc") == [event.id for event in reversed(events)]
    assert await ids(org=Tenant().org_id) == []


async def test_the_journal_pages_with_a_cursor(search: Search) -> None:
    _, events = await story(search)
    seen: list[str] = []
    params: dict[str, Any] = {"correlation_id": events[0].correlationid, "limit": 2}
    while True:
        response = await search.client.get("/v1/events", params=params, headers=OPERATIONS)
        body = response.json()
        seen += [item["id"] for item in body["items"]]
        if body["next_cursor"] is None:
            break
        params["cursor"] = body["next_cursor"]
    assert seen == [event.id for event in events]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "bm90IGEgY3Vyc29y"}, "cursor"),
        ({"cursor": "WyJ4Il0"}, "cursor"),
        ({"type": "not a type!"}, "type"),
        ({"after": "yesterday"}, "after"),
        ({"after": "2026-11-26T16:00:00Z", "before": "2026-11-26T15:00:00Z"}, "before"),
        ({"order": "random"}, "order"),
        ({"correlation_id": "a\x00"}, "correlation_id"),
        ({"ticket": "INC" + "0" * 30}, "ticket"),
    ],
)
async def test_a_bad_journal_query_is_a_422_naming_it(
    search: Search, params: dict[str, Any], field: str
) -> None:
    response = await search.client.get("/v1/events", params=params, headers=OPERATIONS)
    assert response.status_code == 422, response.text
    assert [error["field"] for error in response.json()["errors"]] == [field]


@pytest.mark.parametrize("path", ["/v1/events", "/v1/events/stream"])
async def test_the_journal_is_for_operations_only(search: Search, path: str) -> None:
    tenant = Tenant()
    for headers in (tenant.manager(), tenant.visitor_of_all()):
        assert (await search.client.get(path, headers=headers)).status_code == 403
    assert (await search.client.get(path)).status_code == 401
    catalog = token(roles=["ops:catalog"])
    if path == "/v1/events":
        assert (await search.client.get(path, headers=catalog)).status_code == 200


async def test_the_live_tail_follows_one_declaration_and_resumes(
    search: Search, search_url: str
) -> None:
    tenant = Tenant()
    declared = tenant.declaration()
    params = {"correlation_id": declared.correlationid}
    async with open_stream(search_url, "/v1/events/stream", OPERATIONS, params) as stream:
        assert (await stream.next_event()).event == "ready"
        await search.apply(tenant.declaration(), declared)
        entry = await stream.next_event()
        assert entry.event == "event"
        assert entry.json()["id"] == declared.id
        assert entry.id == str(entry.json()["position"])
    ticket = ticket_updated(declared.data, version=1)
    await search.apply(ticket)
    headers = {**OPERATIONS, "Last-Event-ID": str(entry.id)}
    async with open_stream(search_url, "/v1/events/stream", headers, params) as stream:
        # Replayed, or live if this replica's feed had not read it yet: once either way.
        missed = await stream.until_event("event")
        assert missed.json()["id"] == ticket.id
        assert [message.event for message in stream.received].count("ready") <= 1
