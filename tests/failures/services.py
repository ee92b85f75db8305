"""The four services as processes the suite kills, stops and starts again.

Built on the end-to-end test's ``ServiceProcess`` (same command, environment and log),
with what faults need besides: SIGKILL, a SIGTERM whose outcome is judged, readiness
of one service, and its metrics.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ticketing_devkit.processes import SERVICES, ServiceProcess, System, service_env

from .servers import quiet_port

# The settings the suite gives every service besides the e2e ones: faster polling, the
# queue figures every second, and notification's sender claiming few emails at a time
# with a short SMTP deadline, so that a killed sender's claim runs out in under a
# minute rather than its default of five and a half
# (⌈DELIVERY_BATCH_SIZE / SMTP_MAX_CONNECTIONS⌉ × 2 × SMTP_TIMEOUT + 30 s).
# notification marks each email sent once the server accepted it, with those accepted
# meanwhile: a SIGKILL sends those in flight again, never more than a round of them.
SENDING_ROUND = 5
SUITE_SETTINGS = {
    "QUEUE_METRICS_SECONDS": "1",
    "DELIVERY_BATCH_SIZE": str(SENDING_ROUND),
    "SMTP_TIMEOUT_SECONDS": "2",
    "DELIVERY_POLL_SECONDS": "1",
    # Thousands of emails to one organization within the hour are the point here.
    "DELIVERY_LIMIT_PER_ORG_PER_HOUR": "1000000",
    "LOG_LEVEL": "INFO",
}


@dataclass(frozen=True)
class Termination:
    """How a service answered SIGTERM."""

    exit_code: int
    seconds: float
    stopped_logged: bool

    @property
    def graceful(self) -> bool:
        # uvicorn re-raises the SIGTERM it handled once shut down: -15.
        return self.exit_code in (0, -15) and self.stopped_logged


@dataclass
class ChaosService(ServiceProcess):
    starts: int = 0
    kills: int = 0
    terminations: list[Termination] = field(default_factory=list)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        super().start()
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL: no chance to finish anything."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(30)
        self.kills += 1

    def terminate(self, timeout: float = 40.0) -> Termination:
        """SIGTERM, then wait for the exit; judged by the exit code and the runtime's
        last log line written after the signal."""
        assert self.process is not None
        before = self.log_size()
        started = time.monotonic()
        self.process.terminate()
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            code = -9
        termination = Termination(
            exit_code=int(code),
            seconds=time.monotonic() - started,
            stopped_logged='"event": "stopped"' in self.log_since(before),
        )
        self.terminations.append(termination)
        return termination

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def log_since(self, offset: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    async def readiness(self, client: httpx.AsyncClient) -> int | None:
        """The status of ``/readyz``; None when nothing answers."""
        try:
            return (await client.get(f"{self.url}/readyz", timeout=3)).status_code
        except httpx.HTTPError:
            return None

    async def wait_ready(self, client: httpx.AsyncClient, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while await self.readiness(client) != 200:
            if not self.running():
                raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} not ready:\n{self.log_tail()}")
            await asyncio.sleep(0.2)

    async def metrics(self, client: httpx.AsyncClient) -> str | None:
        try:
            response = await client.get(f"{self.url}/metrics", timeout=3)
        except httpx.HTTPError:
            return None
        return response.text if response.status_code == 200 else None


def metric_sum(text: str, name: str, **labels: str) -> float:
    """The sum of a metric's samples whose labels include ``labels``."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        head, _, value = line.rpartition(" ")
        found = dict(re.findall(r'(\w+)="([^"]*)"', head))
        if all(found.get(key) == wanted for key, wanted in labels.items()):
            total += float(value)
    return total


@dataclass
class ChaosSystem(System):
    services: dict[str, ChaosService] = field(default_factory=dict)  # type: ignore[assignment]

    def __getitem__(self, name: str) -> ChaosService:
        return self.services[name]

    def log_marks(self) -> dict[str, int]:
        """Where each service's log ends now, to count what it logs from there."""
        return {name: service.log_size() for name, service in self.services.items()}

    def logged_since(self, marks: dict[str, int], event: str) -> dict[str, int]:
        """How often each service logged ``event`` since ``marks``."""
        return {
            name: service.log_since(marks.get(name, 0)).count(f'"event": "{event}"')
            for name, service in self.services.items()
        }

    async def wait_all_ready(self, client: httpx.AsyncClient, timeout: float = 120.0) -> None:
        await asyncio.gather(
            *(service.wait_ready(client, timeout) for service in self.services.values())
        )


def build_system(
    *, database_url: dict[str, str], amqp_url: str, smtp_url: str, logs: Path
) -> ChaosSystem:
    """The four services, not started; ``database_url`` by service name."""
    system = ChaosSystem()
    for name in SERVICES:
        port = quiet_port()
        env = service_env(
            database_url=database_url[name], amqp_url=amqp_url, smtp_url=smtp_url, port=port
        )
        env.update(SUITE_SETTINGS)
        system.services[name] = ChaosService(name, port, env, logs / f"{name}.log")
    return system


def terminate_all(system: ChaosSystem) -> dict[str, Termination]:
    return {
        name: service.terminate() for name, service in system.services.items() if service.running()
    }
