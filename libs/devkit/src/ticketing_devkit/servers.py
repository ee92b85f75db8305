"""Make sure the local PostgreSQL and RabbitMQ answer, starting them when they do not.

Uses this machine's own commands (``pg_ctlcluster``, ``rabbitmq-server -detached``);
a server given by URL elsewhere is only waited for, never started.
"""

from __future__ import annotations

import glob
import os
import socket
import subprocess
import time


def port_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _wait_for(host: str, port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if port_answers(host, port):
            return True
        time.sleep(0.5)
    return False


def ensure_postgres(host: str = "127.0.0.1", port: int = 5432) -> None:
    if port_answers(host, port):
        return
    if host not in {"127.0.0.1", "localhost"}:
        raise RuntimeError(f"PostgreSQL at {host}:{port} does not answer")
    versions = sorted(os.path.basename(path) for path in glob.glob("/etc/postgresql/*"))
    if not versions:
        raise RuntimeError("PostgreSQL does not answer and no local cluster is installed")
    print(f"starting PostgreSQL {versions[-1]} ...", flush=True)
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
        check=False,
    )
    if not _wait_for(host, port, 60):
        raise RuntimeError("PostgreSQL did not start")


def ensure_rabbitmq(host: str = "127.0.0.1", port: int = 5672) -> None:
    if port_answers(host, port):
        return
    if host not in {"127.0.0.1", "localhost"}:
        raise RuntimeError(f"RabbitMQ at {host}:{port} does not answer")
    print("starting RabbitMQ ...", flush=True)
    subprocess.run(["rabbitmq-server", "-detached"], check=False)
    if not _wait_for(host, port, 120):
        raise RuntimeError("RabbitMQ did not start")


def main() -> None:
    ensure_postgres()
    ensure_rabbitmq()
    print("PostgreSQL and RabbitMQ answer")


if __name__ == "__main__":
    main()
