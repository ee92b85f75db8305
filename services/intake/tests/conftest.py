from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from intake.bootstrap import build_app, build_runtime
from intake.handlers.catalog_import import import_catalog
from intake.settings import IntakeSettings
from ticketing_devkit.pytest_plugin import MakeDatabase, MakeVhost
from ticketing_devkit.service_testing import ServiceUnderTest, running_app

DEMO_CATALOG = Path(__file__).resolve().parents[3] / "deploy" / "demo" / "catalog.json"


@pytest.fixture(scope="session")
async def intake_settings(make_database: MakeDatabase, make_vhost: MakeVhost) -> IntakeSettings:
    return IntakeSettings(database_url=await make_database("intake"), amqp_url=make_vhost("intake"))


@pytest.fixture(scope="session")
async def intake(intake_settings: IntakeSettings) -> AsyncIterator[ServiceUnderTest]:
    """Intake running in-process against its own database, with the demo catalog."""
    runtime = build_runtime(intake_settings)
    async with running_app(build_app(runtime)) as client:
        async with runtime.unit_of_work() as uow:
            report = await import_catalog(uow.session, json.loads(DEMO_CATALOG.read_text()))
            await uow.commit()
        assert not report.refused, report.summary()
        yield ServiceUnderTest(client, runtime)
