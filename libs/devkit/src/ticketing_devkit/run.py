"""``make run``: the whole system on this machine, with demo data.

Makes sure PostgreSQL and RabbitMQ answer, creates the four databases, applies the
migrations, loads the demo catalog, starts a mail catcher (unless ``SMTP_URL`` is
given), the four services and the portal (port 8000, which calls them), then prints
how to reach them and ready-to-paste tokens. Ctrl-C stops everything it started.

Environment passed through: ``AMQP_URL``; ``DATABASE_URL`` (a server: each service
gets its own database on it, or ``<SERVICE>_DATABASE_URL`` for one service);
``SMTP_URL``; ``AUTH_JWT_SECRET``, ``AUTH_JWKS_URL``, ``AUTH_JWT_ISSUER``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from ticketing_devkit.demo import DEMO_USERS
from ticketing_devkit.mailcatcher import MailCatcher
from ticketing_devkit.provision import create_database, with_database
from ticketing_devkit.readiness import NotReady, Started, returncode_of, wait_until_ready
from ticketing_devkit.servers import ensure_postgres, ensure_rabbitmq, port_answers

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
COLORS = ("\033[36m", "\033[35m", "\033[33m", "\033[32m")
RESET = "\033[0m"


@dataclass(frozen=True)
class Service:
    name: str
    script: str
    database: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env_prefix(self) -> str:
        return self.name.upper().replace("-", "_")


SERVICES = (
    Service("intake", "intake", "intake", 8001),
    Service("ticket-store", "ticket-store", "tickets", 8002),
    Service("notification", "notification", "notification", 8003),
    Service("search", "search", "search", 8004),
)
# The web pages: no database of its own, it calls the four services above.
PORTAL = Service("portal", "portal", "", 8000)


def _bin(script: str) -> str:
    return str(Path(sys.executable).parent / script)


def database_url_for(service: Service, environ: dict[str, str]) -> str:
    own = environ.get(f"{service.env_prefix}_DATABASE_URL")
    if own:
        return own
    return with_database(environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), service.database)


def _host_port(url: str, default_port: int) -> tuple[str, int]:
    parts = urllib.parse.urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port


class Supervisor:
    def __init__(self, environ: dict[str, str], mail_dir: Path) -> None:
        self.environ = environ
        self.mail_dir = mail_dir
        self.processes: dict[str, asyncio.subprocess.Process] = {}
        self.catcher: MailCatcher | None = None
        self.pumps: list[asyncio.Task[None]] = []

    def portal_env(self) -> dict[str, str]:
        env = dict(self.environ)
        env["HTTP_PORT"] = str(PORTAL.port)
        env.setdefault("HTTP_HOST", "127.0.0.1")
        for service in SERVICES:
            env.setdefault(f"{service.env_prefix}_URL", service.url)
        # Plain http on this machine: the session cookie cannot be Secure here.
        env.setdefault("PORTAL_COOKIE_SECURE", "false")
        env.setdefault("LOG_FORMAT", "console")
        return env

    def service_env(self, service: Service) -> dict[str, str]:
        env = dict(self.environ)
        env.pop("DATABASE_URL", None)
        env["DATABASE_URL"] = database_url_for(service, self.environ)
        env["AMQP_URL"] = self.environ.get("AMQP_URL", DEFAULT_AMQP_URL)
        env["HTTP_PORT"] = str(service.port)
        env.setdefault("HTTP_HOST", "127.0.0.1")
        env.setdefault("SMTP_URL", "smtp://127.0.0.1:1025")
        env.setdefault("PORTAL_BASE_URL", "http://127.0.0.1:8000")
        env.setdefault("LOG_FORMAT", "console")
        return env

    async def prepare(self) -> None:
        database_host, database_port = _host_port(
            self.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), 5432
        )
        ensure_postgres(database_host, database_port)
        amqp_host, amqp_port = _host_port(self.environ.get("AMQP_URL", DEFAULT_AMQP_URL), 5672)
        ensure_rabbitmq(amqp_host, amqp_port)
        if port_answers("127.0.0.1", PORTAL.port):
            raise SystemExit(f"port {PORTAL.port} is taken: is the system already running?")
        for service in SERVICES:
            if port_answers("127.0.0.1", service.port):
                raise SystemExit(f"port {service.port} is taken: is the system already running?")
            url = database_url_for(service, self.environ)
            if await create_database(url):
                print(f"created database {service.database}")
        for service in SERVICES:
            await self._run_once(service, "migrate")
        intake = SERVICES[0]
        catalog = Path("deploy/demo/catalog.json")
        await self._run_once(intake, "load-catalog", str(catalog))

    async def _run_once(self, service: Service, *args: str) -> None:
        process = await asyncio.create_subprocess_exec(
            _bin(service.script),
            *args,
            env=self.service_env(service),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await process.communicate()
        if process.returncode != 0:
            sys.stdout.write(output.decode(errors="replace"))
            raise SystemExit(f"{service.name} {' '.join(args)} failed")
        if args[0] == "load-catalog":
            print("demo catalog: " + output.decode(errors="replace").strip().splitlines()[-1])

    def start_mail_catcher(self) -> None:
        if "SMTP_URL" in self.environ:
            return
        self.catcher = MailCatcher("127.0.0.1", 1025, self.mail_dir).start()

    async def start_services(self) -> None:
        for index, service in enumerate((*SERVICES, PORTAL)):
            process = await asyncio.create_subprocess_exec(
                _bin(service.script),
                "serve",
                env=self.portal_env() if service is PORTAL else self.service_env(service),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
            self.processes[service.name] = process
            self.pumps.append(
                asyncio.create_task(self._pump(service, process, COLORS[index % len(COLORS)]))
            )

    async def _pump(
        self, service: Service, process: asyncio.subprocess.Process, color: str
    ) -> None:
        assert process.stdout is not None
        prefix = f"{color}{service.name:>12}{RESET} | "
        async for line in process.stdout:
            sys.stdout.write(prefix + line.decode(errors="replace"))
            sys.stdout.flush()

    async def wait_ready(self, timeout: float = 120.0) -> None:
        started = (
            Started(service.name, service.url, returncode_of(self.processes[service.name]))
            for service in (*SERVICES, PORTAL)
        )
        try:
            await wait_until_ready(started, timeout=timeout, interval=0.5)
        except NotReady as exc:
            raise SystemExit(str(exc)) from None

    async def stop(self) -> None:
        for process in self.processes.values():
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for name, process in self.processes.items():
            try:
                await asyncio.wait_for(process.wait(), timeout=35)
            except TimeoutError:
                print(f"{name} did not stop in time; killing it")
                process.kill()
                await process.wait()
        for pump in self.pumps:
            pump.cancel()
        if self.catcher is not None:
            self.catcher.stop()


def banner(supervisor: Supervisor) -> str:
    lines = ["", "The incident-ticketing system is running.", ""]
    lines.append(f"  {'portal':<13} {PORTAL.url}   (open it in a browser; sign in as a demo user)")
    for service in SERVICES:
        lines.append(f"  {service.name:<13} {service.url}   (API docs: {service.url}/docs)")
    if supervisor.catcher is not None:
        lines.append(
            f"  mail catcher  {supervisor.catcher.url}   (messages: {supervisor.mail_dir}/*.eml)"
        )
    lines += ["", "Development tokens (12 hours):"]
    for user in DEMO_USERS:
        roles = ",".join(user.roles)
        org = f" {user.org}" if user.org else ""
        lines.append(f"  {user.key:<15} {user.name} ({roles}{org})")
        lines.append(f"    export TOKEN_{user.key.upper().replace('-', '_')}={user.token()}")
    lines += [
        "",
        "Declare an incident, then watch it in the list (see README.md):",
        '  sed "s/__NOW__/$(date -Iseconds)/" deploy/demo/declaration.json >/tmp/declaration.json',
        "  curl -s -X POST http://127.0.0.1:8001/v1/declarations \\",
        '    -H "Authorization: Bearer $TOKEN_CUSTOMER" -H "Idempotency-Key: demo-$(date +%s)" \\',
        '    -H "Content-Type: application/json" -d @/tmp/declaration.json',
        '  curl -s "http://127.0.0.1:8004/v1/incidents?q=lyon" '
        '-H "Authorization: Bearer $TOKEN_CUSTOMER"',
        "",
        "Ctrl-C stops everything.",
        "",
    ]
    return "\n".join(lines)


async def run(mail_dir: Path) -> None:
    supervisor = Supervisor(dict(os.environ), mail_dir)
    await supervisor.prepare()
    supervisor.start_mail_catcher()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await supervisor.start_services()
        ready = asyncio.create_task(supervisor.wait_ready())
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({ready, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if ready.done() and not stopped.done():
            ready.result()
            print(banner(supervisor), flush=True)
            exited = [
                asyncio.create_task(process.wait()) for process in supervisor.processes.values()
            ]
            await asyncio.wait({stopped, *exited}, return_when=asyncio.FIRST_COMPLETED)
            if not stop.is_set():
                print("a service exited; stopping the others")
    finally:
        print("stopping ...", flush=True)
        await supervisor.stop()
        print("stopped.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mail-dir", type=Path, default=Path("var/mail"))
    args = parser.parse_args()
    asyncio.run(run(args.mail_dir))


if __name__ == "__main__":
    main()
