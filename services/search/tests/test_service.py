"""The service's own surface: health, readiness, and an access rule on every route."""

from __future__ import annotations

import inspect
from typing import get_args

from search.entrypoints.api import incidents, journal
from search.services import Services

from .conftest import Search


async def test_the_service_is_alive_and_ready(search: Search) -> None:
    assert (await search.client.get("/healthz")).status_code == 200
    ready = await search.client.get("/readyz")
    assert ready.status_code == 200, ready.text


async def test_every_operation_declares_who_may_call_it(search: Search) -> None:
    document = (await search.client.get("/openapi.json")).json()
    operations = {
        (method, path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    for path in ("/v1/incidents", "/v1/incidents/summary", "/v1/incidents/stream"):
        access = operations[("get", path)]["x-access"]
        assert access["scope"] == "perimeter", path
        assert {"customer:visitor", "customer:manager", "ops:agent"} <= set(access["roles"])
    for path in ("/v1/events", "/v1/events/stream"):
        access = operations[("get", path)]["x-access"]
        assert access["scope"] == "operations", path
        assert set(access["roles"]) == {"ops:agent", "ops:supervisor", "ops:catalog"}
    for key, operation in operations.items():
        assert "x-access" in operation, key
    stream = operations[("get", "/v1/incidents/stream")]
    assert "text/event-stream" in stream["responses"]["200"]["content"]


def test_search_s_own_dependencies_run_on_the_event_loop() -> None:
    """FastAPI runs a plain ``def`` dependency in its thread pool: a hand-off per
    request, for work that never blocks."""
    dependencies = [
        get_args(alias)[1].dependency
        for alias in (Services, incidents.Filters, journal.Filters, journal.Window)
    ]
    assert [call for call in dependencies if not inspect.iscoroutinefunction(call)] == []
