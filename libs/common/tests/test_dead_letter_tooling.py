"""The operations endpoint and the command line over a running service's dead letters."""

from __future__ import annotations

import argparse
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aio_pika
import httpx
import pytest
from aio_pika.abc import AbstractRobustConnection

from ticketing_common.dead_letters import cli as dead_letters_cli
from ticketing_common.events import IncidentDeclaredV1
from ticketing_common.messaging.consumer import EventRouter
from ticketing_common.messaging.topology import QueueSpec
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import ServiceSettings
from ticketing_common.web.app import create_service_app
from ticketing_devkit.pytest_plugin import MakeVhost
from ticketing_devkit.service_testing import auth_as, running_app

from .conftest import MIGRATIONS
from .dead_letter_support import (
    Gate,
    declare,
    delete,
    message_count,
    new_spec,
    publish_event,
    publish_raw,
    wait_for,
)


@dataclass
class Service:
    client: httpx.AsyncClient
    spec: QueueSpec
    gate: Gate


@pytest.fixture(scope="session")
def amqp_url(make_vhost: MakeVhost) -> str:
    """A virtual host of these tests: the service below declares the whole topology,
    whose catch-all bindings would route what other tests expect to be unroutable."""
    return make_vhost("dead_letters")


@pytest.fixture
async def service(
    broker: AbstractRobustConnection, amqp_url: str, messaging_database_url: str
) -> AsyncIterator[Service]:
    """A service consuming a queue of its own, whose handler refuses events until its
    gate opens."""
    spec = new_spec()
    await declare(broker, spec)
    settings = ServiceSettings(
        database_url=messaging_database_url, amqp_url=amqp_url, queue_metrics_seconds=0.2
    )
    runtime = ServiceRuntime(
        name="dead-letter-tests", settings=settings, migrations=MIGRATIONS, publishes=False
    )
    gate = Gate()
    router = EventRouter()
    router.on(IncidentDeclaredV1, gate)
    runtime.consume(spec, router)
    app = create_service_app(runtime, title="t", description="t", routers=[])
    try:
        async with running_app(app) as client:
            yield Service(client, spec, gate)
    finally:
        await delete(broker, spec)


async def two_dead_letters(broker: AbstractRobustConnection, spec: QueueSpec) -> str:
    event = await publish_event(broker, "refused")
    await publish_raw(broker, b"\xff not even text", "poison-bytes")

    async def both() -> bool:
        return await message_count(broker, spec.dead_letter_queue) == 2

    await wait_for(both)
    return event.id


async def test_operations_see_replay_and_purge_dead_letters_over_http(
    broker: AbstractRobustConnection, service: Service
) -> None:
    client = service.client
    event_id = await two_dead_letters(broker, service.spec)

    listed = await client.get("/v1/dead-letters", headers=auth_as("agent"))
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert page["queue"] == service.spec.name
    assert page["total"] == 2
    assert {item["event_id"] for item in page["items"]} == {event_id, "poison-bytes"}
    assert {item["reason"] for item in page["items"]} == {"rejected"}
    first_page = await client.get("/v1/dead-letters?limit=1", headers=auth_as("agent"))
    assert len(first_page.json()["items"]) == 1
    cursor = first_page.json()["next_cursor"]
    assert cursor
    second_page = await client.get(
        "/v1/dead-letters", params={"limit": 1, "cursor": cursor}, headers=auth_as("agent")
    )
    assert second_page.json()["next_cursor"] is None
    assert {second_page.json()["items"][0]["id"], first_page.json()["items"][0]["id"]} == {
        item["id"] for item in page["items"]
    }

    shown = await client.get(f"/v1/dead-letters/{event_id}", headers=auth_as("agent"))
    assert shown.status_code == 200
    detail = shown.json()
    assert detail["detail"] == "refused refused"
    assert detail["body_encoding"] == "utf-8"
    assert event_id in detail["body"]
    assert detail["original_routing_key"] == "incident.declared"
    poison = await client.get("/v1/dead-letters/poison-bytes", headers=auth_as("agent"))
    assert poison.json()["body_encoding"] == "base64"

    # Agents look; only supervisors act.
    refused = await client.post(f"/v1/dead-letters/{event_id}/replay", headers=auth_as("agent"))
    assert refused.status_code == 403
    assert (await client.delete("/v1/dead-letters", headers=auth_as("agent"))).status_code == 403
    assert (await client.get("/v1/dead-letters", headers=auth_as("manager"))).status_code == 403

    service.gate.open = True
    replayed = await client.post(
        f"/v1/dead-letters/{detail['id']}/replay", headers=auth_as("supervisor")
    )
    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["done"] == [detail["id"]]

    async def applied() -> bool:
        return service.gate.applied == [event_id]

    await wait_for(applied)

    missing = await client.delete("/v1/dead-letters/nobody", headers=auth_as("supervisor"))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    purged = await client.delete(
        "/v1/dead-letters", params={"reason": "rejected"}, headers=auth_as("supervisor")
    )
    assert purged.status_code == 200
    assert len(purged.json()["done"]) == 1
    after = await client.get("/v1/dead-letters", headers=auth_as("agent"))
    assert after.json()["total"] == 0


async def test_the_endpoint_names_bad_input_and_a_busy_queue(
    service: Service, amqp_url: str
) -> None:
    client = service.client
    unknown = await client.get("/v1/dead-letters?queue=nope.events", headers=auth_as("agent"))
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "queue"
    bad_cursor = await client.get("/v1/dead-letters?cursor=%%%", headers=auth_as("agent"))
    assert bad_cursor.status_code == 422
    bad_reason = await client.get("/v1/dead-letters?reason=DROP;", headers=auth_as("agent"))
    assert bad_reason.status_code == 422
    assert bad_reason.json()["errors"][0]["field"] == "reason"

    other = await aio_pika.connect(amqp_url)
    channel = await other.channel()
    await channel.declare_queue(
        f"{service.spec.dead_letter_queue}.operator-lock", exclusive=True, auto_delete=True
    )
    busy = await client.post("/v1/dead-letters/replay", headers=auth_as("supervisor"))
    await other.close()
    assert busy.status_code == 409
    assert busy.json()["type"].endswith("dead-letters-busy")


async def test_metrics_show_queue_depth_and_dead_letters(
    broker: AbstractRobustConnection, service: Service
) -> None:
    await two_dead_letters(broker, service.spec)
    name = service.spec.name

    async def counted() -> bool:
        text = (await service.client.get("/metrics")).text
        return f'ticketing_dead_letters{{queue="{name}"}} 2.0' in text

    await wait_for(counted)
    text = (await service.client.get("/metrics")).text
    assert f'ticketing_queue_consumers{{queue="{name}"}} 1.0' in text
    assert f'ticketing_queue_messages{{queue="{name}"}} 0.0' in text
    assert (
        f'ticketing_dead_lettered_total{{event_type="incident.declared.v1",queue="{name}",'
        'reason="rejected"}' in text
    )


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    dead_letters_cli.add_arguments(parser)
    return parser.parse_args(argv)


async def run_command(
    spec: QueueSpec, amqp_url: str, *argv: str, answer: bool = False
) -> tuple[int, str]:
    out = io.StringIO()
    status = await dead_letters_cli.run(
        parse(*argv), queues=[spec], amqp_url=amqp_url, out=out, confirm=lambda _q: answer
    )
    return status, out.getvalue()


async def test_the_command_line_lists_shows_replays_and_purges(
    broker: AbstractRobustConnection, service: Service, amqp_url: str
) -> None:
    spec = service.spec
    event_id = await two_dead_letters(broker, spec)

    status, text = await run_command(spec, amqp_url, "count")
    assert status == 0
    assert text == f"{spec.name}: 2 in {spec.dead_letter_queue}\n"

    status, text = await run_command(spec, amqp_url, "list")
    assert status == 0
    assert text.startswith(f"{spec.name}: 2 dead letter(s)\n")
    assert "refused refused" in text
    assert event_id in text

    status, text = await run_command(spec, amqp_url, "show", event_id)
    assert status == 0
    assert "reason:           rejected" in text
    assert '"customer_reference": "refused"' in text
    status, text = await run_command(spec, amqp_url, "show", "nobody")
    assert status == 1
    assert "no dead letter named nobody" in text

    assert (await run_command(spec, amqp_url, "replay"))[0] == 2
    assert (await run_command(spec, amqp_url, "replay", "x", "--all"))[0] == 2
    assert (await run_command(spec, amqp_url, "purge", "x", "--reason", "rejected"))[0] == 2

    service.gate.open = True
    status, text = await run_command(spec, amqp_url, "replay", event_id, "nobody")
    assert status == 1
    assert "1 replayed" in text
    assert "not found: nobody" in text

    status, text = await run_command(spec, amqp_url, "purge", "--all")
    assert status == 2
    assert "nothing purged" in text
    status, text = await run_command(spec, amqp_url, "purge", "--all", answer=True)
    assert status == 0
    assert "1 purged" in text
    assert (await run_command(spec, amqp_url, "count"))[1].startswith(f"{spec.name}: 0 in")


async def test_the_command_line_says_when_the_broker_is_away() -> None:
    status, text = await run_command(new_spec(), "amqp://guest:guest@127.0.0.1:1/", "count")
    assert status == 3
    assert "the broker did not answer" in text


async def test_the_command_line_says_when_the_queues_were_never_declared(amqp_url: str) -> None:
    status, text = await run_command(new_spec(), amqp_url, "list")
    assert status == 3
    assert "has the service started once" in text
