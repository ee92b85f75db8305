"""The HTTP plumbing every service shares: request ids, problems, readiness, logs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import structlog
from fastapi import FastAPI

from ticketing_common.logging import configure_logging, get_logger
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import ServiceSettings
from ticketing_common.web.access import public
from ticketing_common.web.middleware import RequestContextMiddleware
from ticketing_common.web.problems import Problem, install_problem_handlers


def small_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestContextMiddleware)
    install_problem_handlers(app)

    @app.get("/boom", **public())
    async def boom() -> None:
        raise RuntimeError("secret internals")

    @app.get("/conflict", **public())
    async def conflict() -> None:
        raise Problem(409, "already done", slug="already-done")

    @app.get("/items/{item_id}", **public())
    async def item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    return app


@pytest.fixture
async def client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=small_app(), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test")


async def test_a_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    given = await client.get("/items/1", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = await client.get("/items/1", headers={"X-Request-ID": "bad\nid"})
    assert made.headers["x-request-id"] != "bad\nid"
    assert len(made.headers["x-request-id"]) == 32


async def test_errors_are_problems_and_hide_internals(client: httpx.AsyncClient) -> None:
    crash = await client.get("/boom")
    assert crash.status_code == 500
    assert crash.headers["content-type"] == "application/problem+json"
    assert "secret internals" not in crash.text
    conflict = await client.get("/conflict")
    assert conflict.json() == {
        "type": "urn:ticketing:problem:already-done",
        "title": "Conflict",
        "status": 409,
        "detail": "already done",
        "instance": "/conflict",
    }
    invalid = await client.get("/items/not-a-number")
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"] == "item_id"
    assert invalid.json()["errors"][0]["in"] == "path"
    missing = await client.get("/nowhere")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


async def test_readiness_names_what_does_not_answer() -> None:
    settings = ServiceSettings(
        database_url="postgresql+asyncpg://postgres@127.0.0.1:1/nowhere",
        amqp_url="amqp://guest:guest@127.0.0.1:1/",
    )
    runtime = ServiceRuntime(name="t", settings=settings, migrations=Path("."))
    reasons = await runtime.readiness()
    await runtime.engine.dispose()
    assert any(reason.startswith("database unreachable") for reason in reasons)
    assert "broker unreachable" in reasons


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging("svc", "INFO", "json", stream=stream)
    yield stream
    configure_logging("tests", "INFO", "console")


def test_logs_are_json_with_context_and_never_carry_secrets_or_texts(
    json_logs: io.StringIO,
) -> None:
    with structlog.contextvars.bound_contextvars(correlation_id="decl-1"):
        get_logger("t").info(
            "declared", description="Le VPN de Lyon est en panne", token="eyJ...", size=3
        )
    logging.getLogger("third.party").warning("plain %s", "message")
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    first, second = lines
    assert first["event"] == "declared"
    assert first["service"] == "svc"
    assert first["correlation_id"] == "decl-1"
    assert first["description"] == "[redacted]"
    assert first["token"] == "[redacted]"
    assert first["size"] == 3
    assert second["event"] == "plain message"
    assert second["level"] == "warning"
