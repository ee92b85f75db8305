from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import structlog

from intake.bootstrap import build_app, build_runtime
from intake.entrypoints.cli import main as intake_main
from intake.handlers.catalog_import import import_catalog
from intake.settings import IntakeSettings
from ticketing_devkit.pytest_plugin import MakeDatabase, MakeVhost
from ticketing_devkit.service_testing import ServiceUnderTest, running_app

DEMO_CATALOG = Path(__file__).resolve().parents[3] / "deploy" / "demo" / "catalog.json"


@pytest.fixture(scope="session")
async def intake_settings(
    make_database: MakeDatabase, make_vhost: MakeVhost, tmp_path_factory: pytest.TempPathFactory
) -> IntakeSettings:
    return IntakeSettings(
        database_url=await make_database("intake"),
        amqp_url=make_vhost("intake"),
        attachments_dir=tmp_path_factory.mktemp("attachments"),
        # The fuzzing tests send hundreds of requests as one user; the limit itself is
        # tested with a tight bucket of its own.
        rate_limit_declarations_per_minute=1e6,
        rate_limit_declarations_burst=100_000,
        rate_limit_uploads_per_minute=1e6,
        rate_limit_uploads_burst=100_000,
    )


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


RunCommand = Callable[..., Awaitable[None]]


@pytest.fixture
def run_command(
    intake_settings: IntakeSettings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RunCommand]:
    """Run ``intake <args>`` against the test database, as from a shell.

    The command runs its own event loop (in a thread) and configures logging for a
    process of its own: the test's logging is put back afterwards.
    """
    monkeypatch.setenv("DATABASE_URL", intake_settings.database_url)
    monkeypatch.setenv("AMQP_URL", intake_settings.amqp_url)
    monkeypatch.setenv("ATTACHMENTS_DIR", str(intake_settings.attachments_dir))
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    structlog_config = structlog.get_config()

    async def run(*args: str) -> None:
        await asyncio.to_thread(intake_main, list(args))

    yield run
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.configure(**structlog_config)
