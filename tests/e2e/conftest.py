from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from ticketing_devkit.mailcatcher import MailCatcher
from ticketing_devkit.processes import SERVICES, ServiceProcess, System, free_port, service_env
from ticketing_devkit.pytest_plugin import MakeDatabase, MakeVhost

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def e2e_mail() -> Iterator[MailCatcher]:
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="session")
async def system(
    make_database: MakeDatabase,
    make_vhost: MakeVhost,
    e2e_mail: MailCatcher,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[System]:
    """The four services as separate processes, demo catalog loaded."""
    logs = tmp_path_factory.mktemp("e2e-logs")
    amqp_url = make_vhost("e2e")
    system = System()
    for name, database in SERVICES.items():
        port = free_port()
        env = service_env(
            database_url=await make_database(f"e2e_{database}"),
            amqp_url=amqp_url,
            smtp_url=e2e_mail.url,
            port=port,
        )
        system.services[name] = ServiceProcess(name, port, env, logs / f"{name}.log")
    system["intake"].run("load-catalog", str(REPOSITORY / "deploy" / "demo" / "catalog.json"))
    for service in system.services.values():
        service.start()
    try:
        await system.wait_ready()
        yield system
    finally:
        exit_codes = {name: service.stop() for name, service in system.services.items()}
        unclean = {
            name: code
            for name, code in exit_codes.items()
            if code not in (0, -15) or not system[name].stopped_gracefully()
        }
        assert not unclean, f"services did not shut down cleanly: {unclean}"
