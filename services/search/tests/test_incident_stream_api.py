"""``GET /v1/incidents/stream`` against the service served over HTTP: what each caller
receives live, resuming with Last-Event-ID, heartbeats."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select

from search.adapters.change_log import purge_changes
from search.adapters.tables import IncidentChange
from ticketing_common.events.ticket_updated import ChangeKind
from ticketing_common.reference import TicketStatus

from .conftest import Search
from .factories import DECLARED_AT, ticket_updated
from .live import Message, Stream, open_stream
from .tenants import OPERATIONS, Tenant

PATH = "/v1/incidents/stream"


async def ready(stream: Stream) -> Message:
    message = await stream.next_event()
    assert message.event == "ready", message
    assert message.retry is not None
    return message


async def test_a_customer_sees_its_incidents_change_live_and_nothing_else(
    search: Search, search_url: str
) -> None:
    tenant, stranger = Tenant(), Tenant()
    mine = tenant.declaration(contract=1)
    async with open_stream(search_url, PATH, tenant.visitor(1)) as stream:
        assert stream.response.status_code == 200
        assert stream.response.headers["content-type"].startswith("text/event-stream")
        await ready(stream)

        await search.apply(mine)
        declared = await stream.next_event()
        assert declared.event == "incident"
        body = declared.json()
        assert body["incident"]["declaration_id"] == mine.data.declaration_id
        assert body["incident"]["status"] == "registering"
        assert body["change"]["kind"] == "declared"
        assert body["change"]["actor"] == {"kind": "customer", "name": "Claire Dubois", "sub": None}

        # Outside its perimeter, another organization, a note between agents: nothing.
        await search.apply(
            tenant.declaration(contract=2),
            stranger.declaration(contract=1),
            ticket_updated(mine.data, version=1),
        )
        await search.apply(
            ticket_updated(
                mine.data,
                version=2,
                public=False,
                kind=ChangeKind.COMMENT_ADDED,
                comment="Customer is difficult, escalate quietly",
            )
        )
        await search.apply(
            ticket_updated(
                mine.data,
                version=3,
                status=TicketStatus.PENDING_CUSTOMER,
                action="request_info",
                comment="Which VPN client version do you use?",
            )
        )
        created = (await stream.next_event()).json()
        assert created["change"]["kind"] == "created"
        assert created["incident"]["ticket_number"] is not None
        asked = await stream.next_event()
        body = asked.json()
        assert body["incident"]["status"] == "pending_customer"
        assert body["change"]["comment"] == "Which VPN client version do you use?"
        assert body["change"]["action"] == "request_info"
        assert body["change"]["actor"] == {"kind": "agent", "name": "Sam Agent", "sub": None}
        assert int(asked.id or 0) > int(declared.id or 0)
        # The note between agents came in between, and was never sent.
        assert not any("escalate" in message.data for message in stream.received)


async def test_operations_see_every_change_with_its_internal_notes(
    search: Search, search_url: str
) -> None:
    tenant = Tenant()
    event = tenant.declaration()
    async with open_stream(search_url, PATH, OPERATIONS, params={"org": tenant.org_id}) as stream:
        await ready(stream)
        await search.apply(
            event,
            ticket_updated(
                event.data, version=1, public=False, comment="internal", kind=ChangeKind.CREATED
            ),
            Tenant().declaration(),
        )
        first, second = await stream.next_event(), await stream.next_event()
        assert first.json()["change"]["kind"] == "declared"
        change = second.json()["change"]
        assert (change["public"], change["comment"]) == (False, "internal")
        assert change["actor"]["sub"] == "u-ops"


async def test_a_reconnecting_client_receives_what_it_missed(
    search: Search, search_url: str
) -> None:
    tenant = Tenant()
    event = tenant.declaration()
    async with open_stream(search_url, PATH, tenant.manager()) as stream:
        await ready(stream)
        await search.apply(event)
        seen = await stream.next_event()
    last_id = seen.id
    assert last_id is not None

    # While it was away: a note between agents, a public change, another incident.
    other = tenant.declaration()
    await search.apply(
        ticket_updated(event.data, version=1),
        ticket_updated(event.data, version=2, public=False, kind=ChangeKind.COMMENT_ADDED),
        ticket_updated(event.data, version=3, status=TicketStatus.IN_PROGRESS),
        other,
    )
    headers = {**tenant.manager(), "Last-Event-ID": last_id}
    async with open_stream(search_url, PATH, headers) as stream:
        # Replayed up to where live delivery took over, the rest live: in order either way.
        missed: list[Message] = []
        live_from: Message | None = None
        while len(missed) < 3:
            message = await stream.next_event()
            if message.event == "ready":
                live_from = message
            else:
                missed.append(message)
        assert [message.event for message in missed] == ["incident"] * 3
        assert [message.json()["change"]["kind"] for message in missed] == [
            "created",
            "status_changed",
            "declared",
        ]
        ids = [int(message.id or 0) for message in missed]
        assert ids == sorted(ids)
        if live_from is None:
            live_from = await ready(stream)
        # Then live again.
        await search.apply(ticket_updated(other.data, version=1))
        latest = await stream.next_event()
        assert latest.json()["incident"]["declaration_id"] == other.data.declaration_id

    # Resuming from the last message seen replays nothing already seen.
    headers = {**tenant.manager(), "Last-Event-ID": str(latest.id)}
    async with open_stream(search_url, PATH, headers) as stream:
        await ready(stream)
        await search.apply(ticket_updated(other.data, version=2, status=TicketStatus.RESOLVED))
        resolved = await stream.next_event()
        assert resolved.json()["incident"]["status"] == "resolved"


async def test_a_client_resuming_from_a_purged_or_unknown_id_is_told_to_reload(
    search: Search, search_url: str
) -> None:
    tenant = Tenant()
    async with open_stream(search_url, PATH, tenant.manager()) as stream:
        await ready(stream)
        await search.apply(tenant.declaration())
        old_id = (await stream.next_event()).id
    # Missed while away, then purged before the client came back.
    await search.apply(tenant.declaration())
    async with search.runtime.session_factory.begin() as session:
        await purge_changes(session, DECLARED_AT + timedelta(days=3650))
        assert await session.scalar(select(func.count()).select_from(IncidentChange)) == 0

    for last_id in (str(old_id), "999999999999"):
        headers = {**tenant.manager(), "Last-Event-ID": last_id}
        async with open_stream(search_url, PATH, headers) as stream:
            reset = await stream.next_event()
            assert reset.event == "reset", last_id
            await ready(stream)


async def test_a_quiet_stream_sends_heartbeats(search_url: str) -> None:
    async with open_stream(search_url, PATH, Tenant().manager()) as stream:
        await ready(stream)
        message = await stream.next(timeout=5)
        assert message.comments == ["keep-alive"]


async def test_a_bad_last_event_id_is_a_422_naming_it(search: Search) -> None:
    response = await search.client.get(
        PATH, headers={**Tenant().manager(), "Last-Event-ID": "yesterday"}
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["in"]) == ("Last-Event-ID", "header")


async def test_the_stream_wants_a_valid_token(search_url: str) -> None:
    async with httpx.AsyncClient(base_url=search_url) as client:
        assert (await client.get(PATH)).status_code == 401
        forged = await client.get(PATH, headers={"Authorization": "Bearer x.y.z"})
        assert forged.status_code == 401
        assert forged.headers["content-type"] == "application/problem+json"


async def test_a_customer_naming_another_organization_hears_nothing(
    search: Search, search_url: str
) -> None:
    tenant, stranger = Tenant(), Tenant()
    async with open_stream(
        search_url, PATH, stranger.manager(), params={"org": tenant.org_id}
    ) as stream:
        await ready(stream)
        await search.apply(tenant.declaration())
        message = await stream.next(timeout=5)
        assert message.event is None, "only heartbeats"
