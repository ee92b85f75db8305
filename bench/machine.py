"""The machine a run measured: what a figure means depends on it."""

from __future__ import annotations

import asyncio
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import aio_pika
import asyncpg

PACKAGES = (
    "fastapi",
    "starlette",
    "uvicorn",
    "uvloop",
    "httptools",
    "pydantic",
    "sqlalchemy",
    "asyncpg",
    "aio-pika",
)


@dataclass(frozen=True)
class Machine:
    cores: int
    cpu: str
    memory_gib: float
    kernel: str
    python: str
    postgresql: str
    # Connections the server allows, and how many others held when the run began.
    max_connections: int
    connections_in_use: int
    rabbitmq: str
    packages: tuple[tuple[str, str], ...]
    commit: str

    def lines(self) -> list[str]:
        return [
            f"{self.cores} cores ({self.cpu}), {self.memory_gib:.0f} GiB RAM, Linux {self.kernel}",
            f"Python {self.python}; PostgreSQL {self.postgresql} "
            f"({self.connections_in_use} of {self.max_connections} connections in use before "
            f"the run); RabbitMQ {self.rabbitmq}",
            ", ".join(f"{name} {version}" for name, version in self.packages),
            f"code: {self.commit}",
        ]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 0.0


def _commit(repository: Path) -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=repository,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=repository,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{head} (with uncommitted changes)" if dirty else head


async def describe(database_dsn: str, amqp_url: str, repository: Path) -> Machine:
    connection = await asyncpg.connect(database_dsn)
    try:
        postgresql = str(await connection.fetchval("SHOW server_version")).split()[0]
        max_connections = int(await connection.fetchval("SHOW max_connections"))
        in_use = int(await connection.fetchval("SELECT count(*) FROM pg_stat_activity"))
    finally:
        await connection.close()
    broker = await aio_pika.connect(amqp_url)
    try:
        properties = broker.transport.connection.server_properties  # type: ignore[union-attr]
        version = properties.get("version", b"?")
        rabbitmq = version.decode() if isinstance(version, bytes) else str(version)
    finally:
        await broker.close()
    packages = []
    for name in PACKAGES:
        try:
            packages.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            continue
    return Machine(
        cores=os.cpu_count() or 0,
        cpu=_cpu_model(),
        memory_gib=_memory_gib(),
        kernel=platform.release(),
        python=sys.version.split()[0],
        postgresql=postgresql,
        max_connections=max_connections,
        connections_in_use=in_use,
        rabbitmq=rabbitmq,
        packages=tuple(packages),
        commit=await asyncio.to_thread(_commit, repository),
    )
