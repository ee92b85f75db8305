"""A request that meets a database that is away is a 503 the client may retry."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import text

from ticketing_common.db.engine import create_engine
from ticketing_common.web.access import public
from ticketing_common.web.problems import install_problem_handlers


def app_over_a_missing_database() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    engine = create_engine("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere", pool_size=1)

    @app.get("/read", **public())
    async def read() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    @app.get("/bug", **public())
    async def bug() -> None:
        raise ValueError("a real bug")

    return app


async def test_a_database_away_is_answered_without_a_traceback_in_the_server_log() -> None:
    # The catch-all handler is followed by the exception escaping to the server (which
    # logs it): a database error is handled before it, and nothing escapes.
    transport = httpx.ASGITransport(app=app_over_a_missing_database(), raise_app_exceptions=True)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/read")).status_code == 503


async def test_a_database_away_is_a_503_to_retry_and_a_bug_stays_a_500() -> None:
    transport = httpx.ASGITransport(app=app_over_a_missing_database(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        away = await client.get("/read")
        assert away.status_code == 503
        assert away.headers["retry-after"] == "2"
        assert away.headers["content-type"] == "application/problem+json"
        assert away.json()["type"] == "urn:ticketing:problem:database-unavailable"
        bug = await client.get("/bug")
        assert bug.status_code == 500
