"""Requests a second a bare FastAPI endpoint serves here, with the services' server
settings, loaded by the bench's own client at a fixed concurrency."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from bench.http_client import HttpError, HttpPool
from bench.limits import LimitResult
from bench.stats import Distribution

REPOSITORY = Path(__file__).resolve().parents[2]


async def _wait_healthy(pool: HttpPool, process: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.returncode is not None:
            raise RuntimeError("the bare FastAPI server exited")
        try:
            if (await pool.get("/healthz")).status == 200:
                return
        except HttpError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("the bare FastAPI server did not start")


async def measure_bare_fastapi(
    port: int, body: bytes, *, concurrency: int, seconds: float
) -> LimitResult:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.limits.bare_app",
        "--port",
        str(port),
        cwd=str(REPOSITORY),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    pool = HttpPool("127.0.0.1", port)
    try:
        await _wait_healthy(pool, process)
        request = pool.encode(
            "POST", "/v1/echo", headers=[("Content-Type", "application/json")], body=body
        )
        latencies: list[float] = []
        failures = 0
        deadline = time.monotonic() + seconds

        async def worker() -> None:
            nonlocal failures
            while time.monotonic() < deadline:
                started = time.monotonic()
                response = await pool.send(request)
                if response.status != 202:
                    failures += 1
                latencies.append(time.monotonic() - started)

        began = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - began
    finally:
        pool.close()
        if process.returncode is None:
            process.terminate()
            await process.wait()
    if failures:
        raise RuntimeError(f"the bare endpoint failed {failures} requests")
    return LimitResult(
        name="bare FastAPI POST",
        rate=len(latencies) / elapsed,
        latency=Distribution.of(latencies),
        setting=f"uvicorn as the services run it, {concurrency} connections, "
        f"{len(body)}-byte JSON body",
    )
