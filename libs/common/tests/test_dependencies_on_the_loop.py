"""The shared FastAPI dependencies run on the event loop, not in FastAPI's thread pool
(a plain ``def`` dependency costs a hand-off to a worker thread on every request)."""

from __future__ import annotations

import inspect
import threading

import httpx
from fastapi import FastAPI

from ticketing_common.web import dependencies
from ticketing_common.web.access import public
from ticketing_common.web.dependencies import Runtime


def test_every_shared_dependency_is_a_coroutine_function() -> None:
    for name in ("get_runtime", "get_read_session"):
        function = getattr(dependencies, name)
        assert inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function)


async def test_the_runtime_dependency_is_resolved_on_the_loop_thread() -> None:
    app = FastAPI()
    app.state.runtime = "the runtime"
    seen: list[int] = []

    @app.get("/where", **public())
    async def where(runtime: Runtime) -> dict[str, str]:
        seen.append(threading.get_ident())
        return {"runtime": str(runtime)}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        before = threading.active_count()
        answer = await client.get("/where")
    assert answer.json() == {"runtime": "the runtime"}
    assert seen == [threading.get_ident()]
    # No worker thread was started to resolve it.
    assert threading.active_count() == before
