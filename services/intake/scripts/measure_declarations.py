"""CPU per ``POST /v1/declarations``, in-process, against a real database.

    PYTHONPATH=. .venv/bin/python services/intake/scripts/measure_declarations.py \
        [--posts 500] [--rounds 3]

The app is built as ``intake serve`` builds it (JSON logs, written to /dev/null) and
called through httpx's ASGI transport, one POST after the other; the broker, the relay
and the consumer are not started (the POST never touches them). Each round reports this
process's CPU (``time.process_time``: the app and the httpx client) and the
PostgreSQL backends' of the database (``/proc/<pid>/stat``, so the server must run on
this machine), per POST. The round trips per POST are counted by
``tests/test_declaration_round_trips.py``. The database (``intake_measure_<pid>``) is
created and dropped here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from bench.cpu import process_cpu_seconds

from intake.bootstrap import build_app, build_runtime
from intake.handlers.catalog_import import import_catalog
from intake.settings import IntakeSettings
from ticketing_common.logging import configure_logging
from ticketing_devkit.demo import demo_user
from ticketing_devkit.provision import create_database, drop_database

SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
DEMO_CATALOG = Path(__file__).resolve().parents[3] / "deploy" / "demo" / "catalog.json"
# Where the request logs go: they are rendered (their CPU counts), not kept.
DEVNULL = open(os.devnull, "w")  # noqa: SIM115


def declaration() -> dict[str, Any]:
    """What the bench sends: a site, an interlocutor and two people to notify."""
    return {
        "contract_id": "CT-ACME-1001",
        "element_id": "EL-ACME-FE-1",
        "region": "eu-west-0",
        "nature": "unavailable",
        "impacted_users": "one_site",
        "main_usage": "production",
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=10)).isoformat(),
        "customer_reference": "VPN down in Lyon",
        "description": "Since 16:56 no user of the Lyon site reaches the VPN.",
        "site_id": "SITE-ACME-LYON",
        "onsite_contact": {"name": "Jeanne Martin", "phone": "+33 4 00 00 00 00"},
        "interlocutor_id": "C-ACME-JEANNE",
        "notify": [
            {"contact_id": "C-ACME-NOC", "language": "fr"},
            {"email": "noc@example.com", "language": "en"},
        ],
    }


async def backend_cpu_seconds(admin: asyncpg.Connection[Any], database: str) -> float:
    pids = await admin.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", database)
    return sum(process_cpu_seconds(row["pid"]) for row in pids)


async def measure(posts: int, rounds: int) -> None:
    database = f"intake_measure_{os.getpid()}"
    await create_database(f"{SERVER}/{database}")
    try:
        configure_logging("intake", fmt="json", stream=DEVNULL)
        settings = IntakeSettings(
            database_url=f"{SERVER}/{database}",
            rate_limit_declarations_per_minute=1e9,
            rate_limit_declarations_burst=10**9,
        )
        runtime = build_runtime(settings)
        await runtime.migrate()
        async with runtime.unit_of_work() as uow:
            await import_catalog(uow.session, json.loads(DEMO_CATALOG.read_text()))
            await uow.commit()
        app = build_app(runtime)
        headers = {"Authorization": f"Bearer {demo_user('customer').token()}"}
        admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            body = declaration()

            async def post() -> None:
                response = await client.post(
                    "/v1/declarations",
                    json=body,
                    headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                )
                assert response.status_code == 202, response.text

            for _ in range(50):  # warm-up: imports, caches, prepared statements
                await post()
            for index in range(rounds):
                server = await backend_cpu_seconds(admin, database)
                started = time.process_time()
                for _ in range(posts):
                    await post()
                spent = time.process_time() - started
                server = await backend_cpu_seconds(admin, database) - server
                print(
                    f"round {index + 1}: {posts} POSTs, intake {spent / posts * 1000:.2f} ms"
                    f" + PostgreSQL {server / posts * 1000:.2f} ms of CPU per POST"
                )
        await admin.close()
        await runtime.engine.dispose()
    finally:
        await drop_database(f"{SERVER}/{database}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(measure(args.posts, args.rounds))


if __name__ == "__main__":
    main()
