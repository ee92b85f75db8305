"""A sending round: one claim, the emails at once over kept sessions, one record of how
each went. Against the real database and real SMTP servers."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import TracebackType
from typing import Any, cast

from sqlalchemy.exc import OperationalError

from notification.adapters.smtp_endpoint import parse_smtp_url
from notification.adapters.smtp_transport import SmtpTransport
from notification.domain.mailbox import parse_mailbox
from notification.handlers.sending import Sending
from ticketing_common.db.engine import SessionFactory
from ticketing_devkit.mailcatcher import MailCatcher

from .factories import declared
from .smtp_servers import SessionsHandler, scripted_server
from .statements import statements_sent
from .support import declare, deliveries
from .test_sending import FAST_RETRIES


def sending(
    session_factory: SessionFactory | Any, smtp_url: str, *, batch_size: int = 20
) -> Sending:
    return Sending(
        session_factory=session_factory,
        transport=SmtpTransport(parse_smtp_url(smtp_url), timeout_seconds=5, max_connections=4),
        sender=parse_mailbox("Incident desk <incidents@ticketing.invalid>"),
        policy=FAST_RETRIES,
        batch_size=batch_size,
        lease=timedelta(seconds=60),
        hourly_limit=1000,
    )


async def sent_everything(sender: Sending) -> None:
    try:
        while await sender.send_due():
            pass
    finally:
        await sender.close()


async def test_a_round_is_one_claim_and_a_few_records_whatever_its_size(
    session_factory: SessionFactory, mail_catcher: MailCatcher
) -> None:
    for _ in range(4):
        await declare(session_factory, declared())
    sender = sending(session_factory, mail_catcher.url)
    try:
        with statements_sent(session_factory) as sent:
            assert await sender.send_due() == 12
    finally:
        await sender.close()
    # The claim's lock and its one pass (it was four statements to claim, then one
    # transaction per email); then the outcomes, each recorded with those known at
    # the same time.
    assert sent[0].startswith("SELECT pg_advisory_xact_lock"), sent
    records = sent[2:]
    assert records, sent
    assert len(records) <= 12, sent
    assert all(record.startswith("UPDATE deliveries") for record in records), sent
    assert len(mail_catcher.messages) == 12
    rows = await deliveries(session_factory)
    assert {(row.status, row.attempts) for row in rows} == {("sent", 1)}
    assert all(row.claimed_until is None and row.sent_at is not None for row in rows)


async def test_an_email_is_marked_sent_without_waiting_for_the_rest_of_its_round(
    session_factory: SessionFactory,
) -> None:
    # Should the sender die now, only the email still in flight would go again.
    handler = SessionsHandler(slow={"noc@example.com": 2.0})
    await declare(session_factory, declared())
    with scripted_server(handler) as url:  # type: ignore[arg-type]
        sender = sending(session_factory, url)
        round_ = asyncio.create_task(sender.send_due())
        try:

            async def fast_ones_marked() -> bool:
                rows = await deliveries(session_factory)
                return sum(row.status == "sent" for row in rows) == 2

            deadline = asyncio.get_running_loop().time() + 1.5
            while not await fast_ones_marked():
                assert asyncio.get_running_loop().time() < deadline, "not marked early"
                await asyncio.sleep(0.02)
            assert not round_.done()
            assert await round_ == 3
        finally:
            await sender.close()
    rows = await deliveries(session_factory)
    assert {(row.status, row.attempts) for row in rows} == {("sent", 1)}


async def test_the_emails_of_a_round_go_out_at_once(session_factory: SessionFactory) -> None:
    handler = SessionsHandler()
    await declare(session_factory, declared())
    await declare(session_factory, declared())
    with scripted_server(handler) as url:  # type: ignore[arg-type]
        await sent_everything(sending(session_factory, url))
    assert len(handler.received) == 6
    # At once: the three recipients side by side, each on a session of its own (and
    # each one's two emails one after the other, in order).
    assert handler.connections == 3


async def test_a_kept_session_found_broken_costs_the_email_no_attempt(
    session_factory: SessionFactory,
) -> None:
    # Every connection carries one message; the next one finds it dropped.
    handler = SessionsHandler(abort_after=1)
    for _ in range(3):
        await declare(session_factory, declared())
    with scripted_server(handler) as url:  # type: ignore[arg-type]
        await sent_everything(sending(session_factory, url, batch_size=3))
    assert len(handler.received) == 9
    rows = await deliveries(session_factory)
    assert {(row.status, row.attempts, row.last_error) for row in rows} == {("sent", 1, None)}


class _Away:
    async def __aenter__(self) -> None:
        raise OperationalError("BEGIN", None, ConnectionRefusedError("the database is away"))

    async def __aexit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        return None


class DatabaseAwayAt:
    """The session factory, but the transactions numbered ``away`` cannot start."""

    def __init__(self, factory: SessionFactory, away: set[int]) -> None:
        self._factory = factory
        self._away = away
        self.begun = 0

    def begin(self) -> Any:
        self.begun += 1
        return _Away() if self.begun in self._away else self._factory.begin()


async def test_the_outcomes_of_a_round_wait_for_a_database_that_is_away(
    session_factory: SessionFactory, mail_catcher: MailCatcher
) -> None:
    await declare(session_factory, declared())
    # The claim goes through; recording what the server accepted fails twice.
    flaky = DatabaseAwayAt(session_factory, away={2, 3})
    sender = sending(cast(SessionFactory, flaky), mail_catcher.url)
    try:
        assert await sender.send_due() == 3
    finally:
        await sender.close()
    # The claim, the two refused tries, then the outcomes recorded.
    assert flaky.begun >= 4
    rows = await deliveries(session_factory)
    assert {(row.status, row.attempts) for row in rows} == {("sent", 1)}
    # Sent once each: nothing was left claimed to go again after its lease.
    assert len(mail_catcher.messages) == 3
