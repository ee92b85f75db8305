"""Waiting until started services answer ``/readyz``: for `make run`, the bench and the
tests that start services as processes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Started:
    """A started process: its name, its base URL, and its exit code (None while it runs)."""

    name: str
    url: str
    exit_code: Callable[[], int | None]


class NotReady(RuntimeError):
    """A process exited (``exit_code`` set) or did not become ready in time (None)."""

    def __init__(self, name: str, exit_code: int | None) -> None:
        what = f"exited with {exit_code}" if exit_code is not None else "did not become ready"
        super().__init__(f"{name} {what}")
        self.name = name
        self.exit_code = exit_code


async def wait_until_ready(
    started: Iterable[Started], *, timeout: float = 120.0, interval: float = 0.2
) -> None:
    """Return once every process answers 200 on ``/readyz``; raise ``NotReady`` for the
    first that exits or is still not ready after ``timeout`` seconds in all."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2) as client:
        for process in started:
            while True:
                exit_code = process.exit_code()
                if exit_code is not None:
                    raise NotReady(process.name, exit_code)
                try:
                    if (await client.get(f"{process.url}/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise NotReady(process.name, None)
                await asyncio.sleep(interval)


def returncode_of(process: asyncio.subprocess.Process) -> Callable[[], int | None]:
    """``exit_code`` for a process started with asyncio."""
    return lambda: process.returncode
