"""A declaration costs at most four round trips to PostgreSQL (issue 14: two today, a
read and a write, since neither BEGIN nor COMMIT is sent), counted on the wire."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from intake.bootstrap import build_app, build_runtime
from intake.settings import IntakeSettings
from ticketing_devkit.service_testing import ServiceUnderTest as Intake
from ticketing_devkit.service_testing import auth_as as auth

from .round_trips import RoundTripCounter, counting_round_trips
from .samples import PNG
from .test_declarations_api import declaration, key
from .uploads import upload_file

MAX_ROUND_TRIPS = 4


@dataclass(frozen=True)
class Counted:
    client: httpx.AsyncClient
    counter: RoundTripCounter

    async def post(
        self, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[httpx.Response, int]:
        """The answer, and the round trips it took."""
        before = self.counter.round_trips
        response = await self.client.post(
            "/v1/declarations", json=body, headers={**auth("customer"), **headers}
        )
        return response, self.counter.round_trips - before


@pytest.fixture
async def counted(intake: Intake, intake_settings: IntakeSettings) -> AsyncIterator[Counted]:
    """Intake's API on the same database, its connections through a round-trip counter.

    A first declaration is sent before counting: each pooled connection prepares a
    statement the first time it runs it (one more round trip, once per connection)."""
    async with counting_round_trips(intake_settings.database_url) as (url, counter):
        runtime = build_runtime(intake_settings.model_copy(update={"database_url": url}))
        transport = httpx.ASGITransport(app=build_app(runtime))
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
                counted = Counted(client, counter)
                first = await upload_file(intake, PNG)
                await counted.post(declaration(attachment_ids=[first["id"]]), key())
                yield counted
        finally:
            await runtime.engine.dispose()


async def test_an_accepted_declaration_with_a_file(intake: Intake, counted: Counted) -> None:
    uploaded = await upload_file(intake, PNG)
    body = declaration(attachment_ids=[uploaded["id"]])
    response, round_trips = await counted.post(body, key())
    assert response.status_code == 202, response.text
    assert round_trips <= MAX_ROUND_TRIPS


async def test_a_replayed_declaration(counted: Counted) -> None:
    headers, body = key(), declaration()
    first, _ = await counted.post(body, headers)
    again, round_trips = await counted.post(body, headers)
    assert again.status_code == 202
    assert again.json() == first.json()
    assert round_trips <= MAX_ROUND_TRIPS


async def test_a_refused_declaration(counted: Counted) -> None:
    response, round_trips = await counted.post(declaration(region="mars-1"), key())
    assert response.status_code == 422
    assert round_trips <= MAX_ROUND_TRIPS
