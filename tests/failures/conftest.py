"""A private PostgreSQL and RabbitMQ, the four services on them, and the run's report.

Everything here is the suite's own: the servers run from a temporary folder on ports
of their own, the services on ports of their own; all are stopped at the end by the
pids and node name started here. The services' logs stay under ``var/failures/<tag>``
when the run fails (or ``FAILURE_SUITE_KEEP_LOGS=1``), and are removed when it passes.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from ticketing_devkit.mailcatcher import MailCatcher
from ticketing_devkit.processes import SERVICES
from ticketing_devkit.provision import create_database

from .profiles import Profile, current_profile
from .routing import service_subscriptions
from .scenario import Environment, Report, new_tag
from .servers import PrivatePostgres, PrivateRabbitMQ, make_scratch_directory
from .services import build_system, terminate_all

REPOSITORY = Path(__file__).resolve().parents[2]
REPORTS: list[Report] = []


@pytest.fixture(scope="session")
def profile() -> Profile:
    return current_profile()


@pytest.fixture
def suite_mail() -> Iterator[MailCatcher]:
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


@pytest.fixture
async def chaos(profile: Profile, suite_mail: MailCatcher) -> AsyncIterator[Environment]:
    tag = new_tag()
    scratch = make_scratch_directory()
    logs = REPOSITORY / "var" / "failures" / tag
    logs.mkdir(parents=True)
    postgres = PrivatePostgres(scratch)
    rabbitmq = PrivateRabbitMQ(scratch)
    system = None
    passed = False
    try:
        await asyncio.gather(
            asyncio.to_thread(_start_postgres, postgres),
            asyncio.to_thread(_start_rabbitmq, rabbitmq),
        )
        database_urls = {}
        for name, database in SERVICES.items():
            database_urls[name] = postgres.database_url(database)
            await create_database(database_urls[name], exists_ok=False)
        system = build_system(
            database_url=database_urls, amqp_url=rabbitmq.url, smtp_url=suite_mail.url, logs=logs
        )
        catalog = REPOSITORY / "deploy" / "demo" / "catalog.json"
        await asyncio.to_thread(system["intake"].run, "load-catalog", str(catalog))
        for service in system.services.values():
            service.start()
        await system.wait_ready()
        yield Environment(
            profile=profile,
            postgres=postgres,
            rabbitmq=rabbitmq,
            system=system,
            catcher=suite_mail,
            database_urls=database_urls,
            subscriptions=service_subscriptions(),
            tag=tag,
            logs=logs,
        )
        passed = True
    finally:
        if system is not None:
            ended = await asyncio.to_thread(terminate_all, system)
            unclean = {name: item for name, item in ended.items() if not item.graceful}
            passed = passed and not unclean
        await asyncio.to_thread(rabbitmq.stop)
        if postgres.running():
            await asyncio.to_thread(postgres.stop)
        _keep_server_logs(postgres, rabbitmq, logs)
        shutil.rmtree(scratch, ignore_errors=True)
        if passed and not _failed_reports() and not os.environ.get("FAILURE_SUITE_KEEP_LOGS"):
            shutil.rmtree(logs, ignore_errors=True)
        if system is not None:
            assert not unclean, f"services did not stop cleanly at the end: {unclean}"


def _keep_server_logs(postgres: PrivatePostgres, rabbitmq: PrivateRabbitMQ, logs: Path) -> None:
    if postgres.log.exists():
        shutil.copy2(postgres.log, logs / "postgres.log")
    for log in (rabbitmq.home / "log").glob("*.log"):
        shutil.copy2(log, logs / f"rabbitmq-{log.name}")


def _failed_reports() -> bool:
    return any(report.verdict.violations or report.problems for report in REPORTS)


def _start_postgres(postgres: PrivatePostgres) -> None:
    postgres.initialize()
    postgres.start()


def _start_rabbitmq(rabbitmq: PrivateRabbitMQ) -> None:
    rabbitmq.initialize()
    rabbitmq.start()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The run's figures, whether it passed or not, and a copy in var/failures."""
    if not REPORTS:
        return
    terminalreporter.section("failure suite")
    for report in REPORTS:
        for line in report.lines():
            terminalreporter.write_line(line)
        path = REPOSITORY / "var" / "failures" / f"last-{report.profile.name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_as_json(report), indent=2, default=str))
        terminalreporter.write_line(f"  (figures in {path})")


def _as_json(report: Report) -> dict[str, Any]:
    data = asdict(report)
    data["lines"] = report.lines()
    return data
