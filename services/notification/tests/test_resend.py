"""Resending one delivery: ``notification resend <id>`` and its API twin. A resend is
a new attempt with a fresh budget and the same Message-ID."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from notification.adapters.tables import Delivery
from notification.handlers.resend import resend_delivery
from ticketing_common.db.engine import SessionFactory
from ticketing_devkit.mailcatcher import MailCatcher

from .factories import declared
from .service import CUSTOMER, OPERATIONS, Service, bearer
from .smtp_servers import ScriptedHandler, scripted_server
from .support import declare, wait_until
from .test_sending import FAST_RETRIES, only_delivery, sending


async def run_cli(*args: str, database_url: str) -> tuple[int, str, str]:
    """The real command, in a process of its own, as operations would run it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "notification",
        *args,
        env={**os.environ, "DATABASE_URL": database_url, "ENVIRONMENT": "test"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_the_command_resends_a_failed_delivery_once_with_its_message_id(
    session_factory: SessionFactory, database_url: str, mail_catcher: MailCatcher
) -> None:
    await declare(session_factory, declared(notify=[]))
    with scripted_server(ScriptedHandler(rcpt_reply="550 5.1.1 No such user here")) as url:
        assert await sending(session_factory, url).send_due() == 1
    failed = await only_delivery(session_factory)
    assert failed.status == "failed"

    code, out, err = await run_cli("resend", str(failed.id), database_url=database_url)
    assert code == 0, err
    assert f"delivery {failed.id} queued again" in out
    queued = await only_delivery(session_factory)
    assert queued.status == "pending"
    assert queued.resends == 1
    assert queued.resent_at is not None
    assert queued.attempts == 1
    # The failure stays on record until an attempt succeeds.
    assert queued.last_error == "550 5.1.1 No such user here"
    assert queued.message_id == failed.message_id

    assert await sending(session_factory, mail_catcher.url).send_due() == 1
    assert await sending(session_factory, mail_catcher.url).send_due() == 0
    sent = await only_delivery(session_factory)
    assert sent.status == "sent"
    assert sent.attempts == 2
    [mail] = mail_catcher.messages
    assert mail.message["Message-ID"] == failed.message_id


async def test_the_command_says_plainly_when_there_is_no_such_delivery(
    session_factory: SessionFactory, database_url: str
) -> None:
    code, _, err = await run_cli("resend", "424242", database_url=database_url)
    assert code == 1
    assert "no delivery 424242" in err


async def test_a_resend_gives_a_fresh_budget_of_attempts(session_factory: SessionFactory) -> None:
    handler = ScriptedHandler(data_reply="451 4.3.0 Try again later")
    await declare(session_factory, declared(notify=[]))
    with scripted_server(handler) as url:
        transport = sending(session_factory, url)

        async def given_up() -> bool:
            await transport.send_due()
            return (await only_delivery(session_factory)).status == "failed"

        await wait_until(given_up, what="the delivery failed")
        delivery = await only_delivery(session_factory)
        assert delivery.attempts == FAST_RETRIES.max_attempts
        await resend_delivery(session_factory, delivery.id, now=datetime.now(UTC))
        assert await transport.send_due() == 1
    after = await only_delivery(session_factory)
    # Failed again, transiently: retried, not failed at once for the old attempts.
    assert after.status == "retrying"
    assert after.attempts == FAST_RETRIES.max_attempts + 1


async def test_operations_resend_a_sent_email_over_the_api(
    service: Service, session_factory: SessionFactory, mail_catcher: MailCatcher
) -> None:
    await declare(session_factory, declared(notify=[]))

    async def sent_once() -> bool:
        return (await only_delivery(session_factory)).status == "sent"

    await wait_until(sent_once, what="the first copy recorded")
    assert len(mail_catcher.messages) == 1
    delivery = await only_delivery(session_factory)
    response = await service.client.post(f"/v1/deliveries/{delivery.id}/resend", headers=OPERATIONS)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["id"] == delivery.id
    assert body["status"] == "pending"
    assert body["resends"] == 1
    assert body["message_id"] == delivery.message_id

    async def sent_again() -> bool:
        [item] = await service.deliveries()
        return bool(item["status"] == "sent")

    await wait_until(sent_again, what="the second copy recorded")
    first, second = mail_catcher.messages
    assert first.message["Message-ID"] == second.message["Message-ID"] == delivery.message_id
    [item] = await service.deliveries()
    assert item["attempts"] == 2
    assert item["resent_at"] is not None


async def test_a_resend_is_refused_while_the_email_is_in_flight(
    service: Service, session_factory: SessionFactory
) -> None:
    await declare(session_factory, declared(notify=[]))
    delivery = await only_delivery(session_factory)
    # As a sender's claim leaves it while it talks to the mail server.
    later = datetime.now(UTC) + timedelta(hours=1)
    async with session_factory.begin() as session:
        await session.execute(
            update(Delivery)
            .where(Delivery.id == delivery.id)
            .values(claimed_until=later, next_attempt_at=later)
        )
    response = await service.client.post(f"/v1/deliveries/{delivery.id}/resend", headers=OPERATIONS)
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert (await only_delivery(session_factory)).resends == 0


async def test_who_may_resend_and_what(service: Service) -> None:
    path = "/v1/deliveries/424242/resend"
    assert (await service.client.post(path)).status_code == 401
    assert (await service.client.post(path, headers=CUSTOMER)).status_code == 403
    catalog = bearer(roles=["ops:catalog"])
    assert (await service.client.post(path, headers=catalog)).status_code == 403
    missing = await service.client.post(path, headers=bearer(roles=["ops:supervisor"]))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    for bad in ("0", "abc", str(2**63)):
        response = await service.client.post(f"/v1/deliveries/{bad}/resend", headers=OPERATIONS)
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"] == "delivery_id"
