"""The whole service as it runs: events from the broker, mail to the SMTP server, and
the delivery log over HTTP (the app's lifespan starts the consumer and the sender)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from notification.bootstrap import build_app, build_runtime
from ticketing_common.auth.issuer import issue_token
from ticketing_common.db.engine import SessionFactory
from ticketing_common.events import CloudEvent
from ticketing_common.messaging.publisher import ConfirmedPublisher
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import DEVELOPMENT_JWT_SECRET
from ticketing_devkit.mailcatcher import MailCatcher

from .factories import declared, settings, ticket_updated
from .support import declare, wait_until


def bearer(**claims: Any) -> dict[str, str]:
    token = issue_token(secret=DEVELOPMENT_JWT_SECRET, sub="u-1", name="Test user", **claims)
    return {"Authorization": f"Bearer {token}"}


OPERATIONS = bearer(roles=["ops:agent"])
CUSTOMER = bearer(roles=["customer:manager"], org="ORG-1", perimeter=["*"])


@dataclass
class Service:
    client: httpx.AsyncClient
    runtime: ServiceRuntime

    async def publish(self, event: CloudEvent[Any]) -> None:
        assert self.runtime.connection is not None
        publisher = ConfirmedPublisher(self.runtime.connection)
        try:
            await publisher.publish(
                routing_key=event.data.routing_key,
                body=event.to_json_bytes(),
                message_id=event.id,
                event_type=event.type,
                correlation_id=event.correlationid,
            )
        finally:
            await publisher.close()

    async def deliveries(self, **params: Any) -> list[dict[str, Any]]:
        response = await self.client.get("/v1/deliveries", params=params, headers=OPERATIONS)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items


@pytest.fixture
async def service(
    session_factory: SessionFactory, database_url: str, amqp_url: str, mail_catcher: MailCatcher
) -> AsyncIterator[Service]:
    runtime = build_runtime(settings(database_url, amqp_url=amqp_url, smtp_url=mail_catcher.url))
    app = build_app(runtime)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://notification") as client:
            yield Service(client, runtime)


async def test_a_declaration_on_the_broker_ends_as_emails_in_the_delivery_log(
    service: Service, mail_catcher: MailCatcher
) -> None:
    event = declared()
    await service.publish(event)

    async def three_mails() -> bool:
        return len(mail_catcher.messages) == 3

    await wait_until(three_mails, what="three emails")
    # Redelivered by the broker: no second email.
    await service.publish(event)
    await service.publish(ticket_updated(event.data))
    declaration_id = event.data.declaration_id

    async def sent_with_ticket() -> bool:
        items = await service.deliveries(declaration=declaration_id)
        return all(
            item["ticket_number"] == "INC0001234" and item["status"] == "sent" for item in items
        )

    await wait_until(sent_with_ticket, what="the ticket number on the sent deliveries")
    items = await service.deliveries(ticket="INC0001234")
    assert len(items) == 3
    assert len(mail_catcher.messages) == 3
    by_recipient = {item["recipient"]: item for item in items}
    assert set(by_recipient) == {"jeanne.martin@example.com", "paul@example.com", "noc@example.com"}
    jeanne = by_recipient["jeanne.martin@example.com"]
    assert jeanne["declaration_id"] == declaration_id
    assert jeanne["kind"] == "acknowledgement"
    assert jeanne["language"] == "fr"
    assert jeanne["status"] == "sent"
    assert jeanne["attempts"] == 1
    assert jeanne["last_error"] is None
    assert jeanne["sent_at"] is not None
    assert jeanne["created_at"] is not None
    assert by_recipient["noc@example.com"]["language"] == "en"


async def test_the_delivery_log_is_for_operations_only(service: Service) -> None:
    response = await service.client.get("/v1/deliveries")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    response = await service.client.get("/v1/deliveries", headers=CUSTOMER)
    assert response.status_code == 403
    response = await service.client.get("/v1/deliveries", headers=bearer(roles=["ops:catalog"]))
    assert response.status_code == 200


async def test_the_delivery_log_pages_newest_first(
    service: Service, session_factory: SessionFactory
) -> None:
    for _ in range(3):
        await declare(session_factory, declared())
    seen: list[int] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 4}
        if cursor:
            params["cursor"] = cursor
        response = await service.client.get("/v1/deliveries", params=params, headers=OPERATIONS)
        assert response.status_code == 200
        page = response.json()
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == len(set(seen)) == 9


async def test_a_bad_cursor_or_filter_is_a_422(service: Service) -> None:
    for params in ({"cursor": "not-a-cursor"}, {"cursor": "WyJ4Il0"}, {"status": "lost"}):
        response = await service.client.get("/v1/deliveries", params=params, headers=OPERATIONS)
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["in"] == "query"


async def test_the_service_is_ready_and_documented(service: Service) -> None:
    assert (await service.client.get("/readyz")).status_code == 200
    document = (await service.client.get("/openapi.json")).json()
    operation = document["paths"]["/v1/deliveries"]["get"]
    assert operation["x-access"]["scope"] == "operations"
