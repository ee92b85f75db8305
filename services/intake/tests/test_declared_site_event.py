"""incident.declared carries the impacted site's name and coordinates, so search can
draw its map without asking intake (search's issue; the field is optional)."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select

from ticketing_common.db.messaging_tables import outbox
from ticketing_devkit.service_testing import ServiceUnderTest as Intake
from ticketing_devkit.service_testing import auth_as as auth

from .test_declarations_api import declaration


async def declared_event(intake: Intake, **overrides: object) -> dict[str, object]:
    response = await intake.client.post(
        "/v1/declarations",
        json=declaration(**overrides),
        headers={**auth("customer"), "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 202, response.text
    async with intake.runtime.session_factory() as session:
        body = await session.scalar(
            select(outbox.c.body).where(
                outbox.c.correlation_id == response.json()["declaration_id"]
            )
        )
    assert body is not None
    data: dict[str, object] = json.loads(body)["data"]
    return data


async def test_the_event_carries_the_site_as_the_catalog_describes_it(intake: Intake) -> None:
    data = await declared_event(intake)
    assert data["site_id"] == "SITE-ACME-LYON"
    assert data["site"] == {"name": "Lyon Part-Dieu", "latitude": 45.7606, "longitude": 4.859}


async def test_a_declaration_without_a_site_carries_none(intake: Intake) -> None:
    data = await declared_event(intake, site_id=None)
    assert data["site"] is None
