"""The whole service as it runs: events from the broker, mail to the SMTP server, and
the delivery log over HTTP (the app's lifespan starts the consumer and the sender)."""

from __future__ import annotations

import asyncio
from typing import Any

from ticketing_common.db.engine import SessionFactory
from ticketing_devkit.mailcatcher import MailCatcher

from .factories import comment_added, declared, ticket_updated
from .service import CUSTOMER, OPERATIONS, Service, bearer
from .support import declare, wait_until


async def test_a_declaration_on_the_broker_ends_as_emails_in_the_delivery_log(
    service: Service, mail_catcher: MailCatcher
) -> None:
    event = declared()
    await service.publish(event)

    async def three_mails() -> bool:
        return len(mail_catcher.messages) == 3

    await wait_until(three_mails, what="three acknowledgements")
    # Redelivered by the broker: no second email.
    await service.publish(event)
    created = ticket_updated(event.data)
    await service.publish(created)
    await service.publish(created)
    await service.publish(
        comment_added(event.data, version=2, comment="Gateway logs attached.", public=False)
    )
    await service.publish(comment_added(event.data, version=3, comment="We are on it."))
    declaration_id = event.data.declaration_id

    async def all_sent() -> bool:
        items = await service.deliveries(declaration=declaration_id)
        return len(items) == 9 and all(item["status"] == "sent" for item in items)

    await wait_until(all_sent, what="nine emails sent")
    await asyncio.sleep(0.3)  # time enough for a duplicate, were there one
    assert len(mail_catcher.messages) == 9
    items = await service.deliveries(ticket="INC0001234")
    assert len(items) == 9
    assert {item["ticket_number"] for item in items} == {"INC0001234"}
    kinds = sorted(item["kind"] for item in items)
    assert kinds == ["acknowledgement"] * 3 + ["comment_added"] * 3 + ["registered"] * 3
    assert not any("Gateway logs" in mail.text() for mail in mail_catcher.messages)
    by_recipient = {item["recipient"]: item for item in items if item["kind"] == "acknowledgement"}
    assert set(by_recipient) == {"jeanne.martin@example.com", "paul@example.com", "noc@example.com"}
    jeanne = by_recipient["jeanne.martin@example.com"]
    assert jeanne["declaration_id"] == declaration_id
    assert jeanne["language"] == "fr"
    assert jeanne["status"] == "sent"
    assert jeanne["attempts"] == 1
    assert jeanne["last_error"] is None
    assert jeanne["sent_at"] is not None
    assert jeanne["created_at"] is not None
    assert jeanne["ticket_version"] is None
    assert jeanne["in_reply_to"] is None
    assert jeanne["resends"] == 0
    assert by_recipient["noc@example.com"]["language"] == "en"
    # Every later email to Jeanne refers to her acknowledgement.
    later = [
        item
        for item in items
        if item["recipient"] == "jeanne.martin@example.com" and item["kind"] != "acknowledgement"
    ]
    assert {item["in_reply_to"] for item in later} == {jeanne["message_id"]}
    assert {item["ticket_version"] for item in later} == {1, 3}


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
