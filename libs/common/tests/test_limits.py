"""Body size limits and per-user rate limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI, Request

from ticketing_common.auth.issuer import issue_token
from ticketing_common.auth.principal import Role
from ticketing_common.auth.tokens import TokenVerifier
from ticketing_common.web.access import Scope, access
from ticketing_common.web.body_limit import BodySizeLimitMiddleware
from ticketing_common.web.problems import install_problem_handlers
from ticketing_common.web.rate_limit import TokenBuckets, rate_limited

SECRET = "a-test-secret-that-is-long-enough-for-hs256"


class FakeClock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def app_with_limits(clock: FakeClock) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.token_verifier = TokenVerifier(
        issuer="ticketing-dev", audience="ticketing", secret=SECRET
    )
    app.state.rate_limits = {"declarations": TokenBuckets(per_minute=6, burst=2, clock=clock)}
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=1024, exempt_paths=("/upload",))

    @app.post("/echo", **access(frozenset({Role.CUSTOMER_VISITOR}), Scope.PERIMETER))
    async def echo(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    @app.post("/upload", **access(frozenset({Role.CUSTOMER_VISITOR}), Scope.PERIMETER))
    async def upload(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    @app.post("/declare", **access(frozenset({Role.CUSTOMER_VISITOR}), Scope.PERIMETER))
    async def declare(_: Annotated[None, rate_limited("declarations")]) -> dict[str, str]:
        return {"status": "accepted"}

    return app


def token(sub: str) -> dict[str, str]:
    value = issue_token(secret=SECRET, sub=sub, name=sub, org="ORG-1", roles=["customer:visitor"])
    return {"Authorization": f"Bearer {value}"}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def client(clock: FakeClock) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app_with_limits(clock))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_a_body_within_the_limit_passes(client: httpx.AsyncClient) -> None:
    response = await client.post("/echo", content=b"x" * 1024, headers=token("u"))
    assert response.json() == {"size": 1024}


async def test_a_declared_length_over_the_limit_is_refused_at_once(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/echo", content=b"x" * 1025, headers=token("u"))
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 413


async def test_a_streamed_body_is_cut_off_past_the_limit(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"y" * 200

    response = await client.post("/echo", content=chunks(), headers=token("u"))
    assert response.status_code == 413


async def test_exempt_routes_take_larger_bodies(client: httpx.AsyncClient) -> None:
    response = await client.post("/upload", content=b"z" * 5000, headers=token("u"))
    assert response.json() == {"size": 5000}


async def test_a_user_past_the_rate_waits_and_others_do_not(
    client: httpx.AsyncClient, clock: FakeClock
) -> None:
    first = [await client.post("/declare", headers=token("alice")) for _ in range(2)]
    assert [r.status_code for r in first] == [200, 200]
    refused = await client.post("/declare", headers=token("alice"))
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "10"
    assert refused.headers["content-type"] == "application/problem+json"
    assert (await client.post("/declare", headers=token("bob"))).status_code == 200
    clock.now += 10
    assert (await client.post("/declare", headers=token("alice"))).status_code == 200
    assert (await client.post("/declare", headers=token("alice"))).status_code == 429


def test_buckets_refill_at_the_rate_and_cap_at_the_burst() -> None:
    clock = FakeClock()
    buckets = TokenBuckets(per_minute=60, burst=3, clock=clock)
    assert [buckets.take("k") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("k") == pytest.approx(1.0)
    clock.now += 3600
    waits: list[Any] = [buckets.take("k") for _ in range(4)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] > 0
