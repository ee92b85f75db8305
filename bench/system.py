"""The system under test, started the way ``make run`` starts it, on its own.

``make run``'s supervisor (``ticketing_devkit.run.Supervisor``) starts the four
services with the same commands and settings; here it runs them on databases named
``bench_<run>_<database>``, a RabbitMQ virtual host ``bench_<run>``, free ports
(never 8000-8004, which a developer's ``make run`` may hold) and the bench's SMTP
sink. Everything is removed at the end, so a run leaves nothing behind and never
touches the databases and queues of ``make run`` or of the tests.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ticketing_devkit.provision import (
    VirtualHosts,
    amqp_url_with_vhost,
    create_database,
    drop_database,
    with_database,
)
from ticketing_devkit.readiness import NotReady, Started, returncode_of, wait_until_ready
from ticketing_devkit.run import (
    DEFAULT_AMQP_URL,
    DEFAULT_DATABASE_URL,
    SERVICES,
    Service,
    Supervisor,
)
from ticketing_devkit.servers import ensure_postgres, ensure_rabbitmq

REPOSITORY = Path(__file__).resolve().parents[1]
RESERVED_PORTS = frozenset({8000, 8001, 8002, 8003, 8004, 1025})


def free_port() -> int:
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in RESERVED_PORTS:
            return port


def new_run_id() -> str:
    return uuid.uuid4().hex[:8]


@dataclass
class Servers:
    """The PostgreSQL and RabbitMQ servers the run uses (make run's defaults)."""

    database_url: str = field(
        default_factory=lambda: os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    )
    amqp_url: str = field(default_factory=lambda: os.environ.get("AMQP_URL", DEFAULT_AMQP_URL))

    def ensure(self) -> None:
        ensure_postgres()
        ensure_rabbitmq()

    def vhosts(self) -> VirtualHosts:
        return VirtualHosts(self.amqp_url, os.environ.get("RABBITMQ_MANAGEMENT_URL"))


class BenchSupervisor(Supervisor):
    """``make run``'s supervisor over the bench's own services: same commands, same
    environment (``service_env``), same graceful stop; logs go to files."""

    def __init__(self, environ: dict[str, str], services: tuple[Service, ...], logs: Path):
        super().__init__(environ, logs)
        self.services = services
        self.logs = logs

    async def migrate(self) -> None:
        # The four migrations are independent: run them side by side.
        await asyncio.gather(*(self._run_once(service, "migrate") for service in self.services))

    async def load_catalog(self, path: Path) -> None:
        await self._run_once(self.service("intake"), "load-catalog", str(path))

    def service(self, name: str) -> Service:
        return next(service for service in self.services if service.name == name)

    async def start_services(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        for service in self.services:
            log = (self.logs / f"{service.name}.log").open("ab")
            process = await asyncio.create_subprocess_exec(
                _script(service.script),
                "serve",
                env=self.service_env(service),
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
                cwd=str(REPOSITORY),
            )
            log.close()
            self.processes[service.name] = process

    async def wait_ready(self, timeout: float = 120.0) -> None:
        started = (
            Started(service.name, service.url, returncode_of(self.processes[service.name]))
            for service in self.services
        )
        try:
            await wait_until_ready(started, timeout=timeout)
        except NotReady as exc:
            if exc.exit_code is None:
                raise
            raise RuntimeError(f"{exc}; see {self.logs / (exc.name + '.log')}") from None


def _script(name: str) -> str:
    """The service's console script, beside this interpreter (as make run finds it)."""
    return str(Path(sys.executable).parent / name)


@dataclass
class BenchSystem:
    """The four services of one bench run, their databases, vhost and mail sink."""

    run_id: str
    servers: Servers
    smtp_url: str
    logs: Path
    services: tuple[Service, ...] = ()
    database_urls: dict[str, str] = field(default_factory=dict)
    amqp_url: str = ""
    vhost: str = ""
    supervisor: BenchSupervisor | None = None

    def url(self, name: str) -> str:
        return next(service.url for service in self.services if service.name == name)

    def port(self, name: str) -> int:
        return next(service.port for service in self.services if service.name == name)

    def pid(self, name: str) -> int | None:
        if self.supervisor is None or name not in self.supervisor.processes:
            return None
        return self.supervisor.processes[name].pid

    def environ(self) -> dict[str, str]:
        """make run's environment, with the bench's servers, vhost and mail sink."""
        environ = {
            key: value
            for key, value in os.environ.items()
            if not key.endswith("_DATABASE_URL") and key not in {"DATABASE_URL", "HTTP_PORT"}
        }
        environ["AMQP_URL"] = self.amqp_url
        environ["SMTP_URL"] = self.smtp_url
        for service in self.services:
            environ[f"{service.env_prefix}_DATABASE_URL"] = self.database_urls[service.name]
        return environ

    async def start(self, catalog: Path) -> None:
        self.servers.ensure()
        self.services = tuple(
            Service(
                service.name, service.script, f"bench_{self.run_id}_{service.database}", free_port()
            )
            for service in SERVICES
        )
        self.vhost = f"bench_{self.run_id}"
        await asyncio.to_thread(self.servers.vhosts().create, self.vhost)
        self.amqp_url = amqp_url_with_vhost(self.servers.amqp_url, self.vhost)
        for service in self.services:
            url = with_database(self.servers.database_url, service.database)
            await create_database(url, exists_ok=False)
            self.database_urls[service.name] = url
        self.supervisor = BenchSupervisor(self.environ(), self.services, self.logs)
        await self.supervisor.migrate()
        await self.supervisor.load_catalog(catalog)
        await self.supervisor.start_services()
        await self.supervisor.wait_ready()

    async def stop(self) -> None:
        """Stop the services, then drop what the run created (even after a failure)."""
        if self.supervisor is not None:
            await self.supervisor.stop()
        for url in self.database_urls.values():
            await drop_database(url)
        if self.vhost:
            await asyncio.to_thread(self.servers.vhosts().delete, self.vhost)
