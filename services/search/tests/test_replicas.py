"""Several replicas of search: whichever applies a change, every replica's streams
deliver it, with the same id (they learn of it through LISTEN/NOTIFY)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from search.bootstrap import build_app, build_runtime

from .conftest import Search, running
from .live import open_stream, serving
from .tenants import OPERATIONS, Tenant


@pytest.fixture
async def second_replica(search: Search) -> AsyncIterator[str]:
    """Another search process on the same database, serving its API only (its
    consumer off), as a second pod behind a load balancer would."""
    settings = search.runtime.settings.model_copy(update={"run_workers": False})
    app = build_app(build_runtime(settings))
    async with running(app), serving(app) as url:
        yield url


async def test_every_replica_streams_every_change(
    search: Search, search_url: str, second_replica: str
) -> None:
    tenant = Tenant()
    event = tenant.declaration()
    path = "/v1/incidents/stream"
    async with (
        open_stream(search_url, path, tenant.manager()) as first,
        open_stream(second_replica, path, tenant.manager()) as second,
        open_stream(
            second_replica,
            "/v1/events/stream",
            OPERATIONS,
            params={"correlation_id": event.data.declaration_id},
        ) as journal,
    ):
        for stream in (first, second, journal):
            assert (await stream.next_event()).event == "ready"
        # Applied by the first replica's handler; the second replica never saw it.
        await search.apply(event)
        on_first, on_second = await first.next_event(), await second.next_event()
        assert on_first.id == on_second.id
        assert on_first.data == on_second.data
        assert on_second.json()["incident"]["declaration_id"] == event.data.declaration_id
        entry = await journal.until_event("event")
        assert entry.json()["id"] == event.id
