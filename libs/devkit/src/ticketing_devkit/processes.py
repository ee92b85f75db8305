"""Services as separate processes, as `make run` starts them, for the tests that need
them so: end to end, the failure suite, the portal's browser tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ticketing_devkit.readiness import NotReady, Started, wait_until_ready

# Settings each test gives its processes itself, never inherited from the shell.
_GIVEN = ("DATABASE_", "AMQP_", "SMTP_", "HTTP_", "PORTAL_", "OIDC_")

# service -> the name of its per-run database
SERVICES = {
    "intake": "intake",
    "ticket-store": "tickets",
    "notification": "notification",
    "search": "search",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, *args: str) -> list[str]:
        return [str(Path(sys.executable).parent / self.name), *args]

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command("serve"), env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def run(self, *args: str) -> str:
        done = subprocess.run(
            self.command(*args), env=self.env, capture_output=True, text=True, timeout=120
        )
        if done.returncode != 0:
            raise RuntimeError(f"{self.name} {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def pause(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def stop(self, timeout: float = 40.0) -> int:
        """SIGTERM, then wait; -9 if it had to be killed.

        uvicorn re-raises the SIGTERM it handled once it has shut down, so a graceful
        stop ends with -15 (0 for the processes that were already gone)."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return -9
        return int(self.process.returncode)

    def stopped_gracefully(self) -> bool:
        """The runtime logged its last step: consumer, workers and relay closed."""
        return '"event": "stopped"' in self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class System:
    services: dict[str, ServiceProcess] = field(default_factory=dict)

    def __getitem__(self, name: str) -> ServiceProcess:
        return self.services[name]

    def url(self, name: str) -> str:
        return self.services[name].url

    async def wait_ready(self, timeout: float = 120.0) -> None:
        def started(service: ServiceProcess) -> Started:
            assert service.process is not None
            return Started(service.name, service.url, service.process.poll)

        try:
            await wait_until_ready(map(started, self.services.values()), timeout=timeout)
        except NotReady as exc:
            raise RuntimeError(f"{exc}:\n{self.services[exc.name].log_tail()}") from None


def process_env(port: int) -> dict[str, str]:
    """This process's environment without the settings a test gives each process itself
    (a developer's DATABASE_URL must not leak into a test), serving on ``port``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(_GIVEN)}
    env.update(HTTP_PORT=str(port), HTTP_HOST="127.0.0.1", LOG_FORMAT="json", ENVIRONMENT="test")
    return env


def service_env(*, database_url: str, amqp_url: str, smtp_url: str, port: int) -> dict[str, str]:
    env = process_env(port)
    env.update(
        DATABASE_URL=database_url,
        AMQP_URL=amqp_url,
        SMTP_URL=smtp_url,
        OUTBOX_POLL_SECONDS="0.5",
    )
    return env
