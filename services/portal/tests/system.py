"""The four services and the portal as separate processes, as `make run` starts them
(the pattern of tests/e2e/system.py, with the portal added)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

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
class Process:
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

    def stop(self, timeout: float = 40.0) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                return -9
        return int(self.process.returncode)

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class PortalSystem:
    processes: dict[str, Process] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Process:
        return self.processes[name]

    def url(self, name: str) -> str:
        return self.processes[name].url

    @property
    def portal(self) -> str:
        return self.url("portal")

    async def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        async with httpx.AsyncClient(timeout=2) as client:
            for process in self.processes.values():
                while True:
                    assert process.process is not None
                    if process.process.poll() is not None:
                        raise RuntimeError(f"{process.name} exited:\n{process.log_tail()}")
                    try:
                        if (await client.get(f"{process.url}/readyz")).status_code == 200:
                            break
                    except httpx.HTTPError:
                        pass
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{process.name} not ready:\n{process.log_tail()}")
                    await asyncio.sleep(0.2)


def base_env(port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "AMQP_", "SMTP_", "HTTP_", "PORTAL_", "OIDC_"))
    }
    env.update(
        HTTP_PORT=str(port),
        HTTP_HOST="127.0.0.1",
        LOG_FORMAT="json",
        ENVIRONMENT="test",
    )
    return env


def service_env(*, database_url: str, amqp_url: str, smtp_url: str, port: int) -> dict[str, str]:
    env = base_env(port)
    env.update(
        DATABASE_URL=database_url,
        AMQP_URL=amqp_url,
        SMTP_URL=smtp_url,
        OUTBOX_POLL_SECONDS="0.5",
    )
    return env


def portal_env(system: PortalSystem, port: int) -> dict[str, str]:
    env = base_env(port)
    env.update(
        INTAKE_URL=system.url("intake"),
        TICKET_STORE_URL=system.url("ticket-store"),
        NOTIFICATION_URL=system.url("notification"),
        SEARCH_URL=system.url("search"),
        PORTAL_AUTH="development",
        PORTAL_COOKIE_SECURE="false",
        PORTAL_POLL_SECONDS="0.5",
    )
    return env
