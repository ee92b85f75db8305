"""The hourly limit per organization: emails beyond it wait their turn, in order, and
none is lost. Time is moved forward with an injected clock."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from notification.adapters.tables import Delivery
from ticketing_common.db.engine import SessionFactory
from ticketing_common.events.parts import Recipient
from ticketing_common.reference import Language
from ticketing_devkit.mailcatcher import MailCatcher

from .factories import declared
from .support import MovableClock, declare, deliveries
from .test_sending import sending

LIMIT = 2
HOUR = timedelta(hours=1)


def team(count: int) -> list[Recipient]:
    return [
        Recipient(name=f"Member {i}", email=f"member{i}@acme.example", language=Language.FR)
        for i in range(count)
    ]


def by_org(rows: list[Delivery], org: str) -> list[Delivery]:
    return [row for row in rows if row.org_id == org]


async def test_an_organization_over_its_hourly_limit_waits_and_loses_nothing(
    session_factory: SessionFactory, mail_catcher: MailCatcher
) -> None:
    # Acme: five people on one declaration; Globex: one. The limit is two an hour.
    await declare(session_factory, declared(org_id="ORG-ACME", notify=team(4)))
    await declare(session_factory, declared(org_id="ORG-GLOBEX", notify=[]))
    start = datetime.now(UTC) + timedelta(seconds=1)
    clock = MovableClock(start)
    sender = sending(session_factory, mail_catcher.url, hourly_limit=LIMIT, clock=clock)

    assert await sender.send_due() == 3
    rows = await deliveries(session_factory)
    acme = by_org(rows, "ORG-ACME")
    assert [row.status for row in acme] == ["sent", "sent", "pending", "pending", "pending"]
    # Another organization is not held up by Acme's backlog.
    assert [row.status for row in by_org(rows, "ORG-GLOBEX")] == ["sent"]
    # The others wait for the window to free up, in their order, half an hour apart
    # (an hour / two emails): pending, never tried, nothing lost.
    waiting = [row for row in acme if row.status == "pending"]
    assert [row.next_attempt_at for row in waiting] == [
        start + HOUR,
        start + HOUR * 1.5,
        start + HOUR * 2,
    ]
    assert all(row.attempts == 0 and row.last_error is None for row in waiting)

    # Nothing more within the hour, however often the sender looks.
    clock.advance(timedelta(minutes=59))
    assert await sender.send_due() == 0

    clock.advance(timedelta(minutes=1, seconds=1))
    assert await sender.send_due() == 1
    clock.advance(HOUR * 2)
    assert await sender.send_due() == 2
    assert await sender.send_due() == 0

    rows = await deliveries(session_factory)
    assert {row.status for row in rows} == {"sent"}
    assert all(row.attempts == 1 for row in rows)
    assert len(mail_catcher.messages) == 6
    # Each delivery arrived once.
    received = Counter(m.message["Message-ID"] for m in mail_catcher.messages)
    assert received == Counter(row.message_id for row in rows)
    # At no moment did Acme have more than two emails in the hour before it.
    sent_times = sorted(row.sent_at for row in by_org(rows, "ORG-ACME") if row.sent_at)
    for moment in sent_times:
        assert sum(1 for t in sent_times if moment - HOUR < t <= moment) <= LIMIT


async def test_new_emails_of_a_waiting_organization_queue_behind_the_waiting_ones(
    session_factory: SessionFactory, mail_catcher: MailCatcher
) -> None:
    await declare(session_factory, declared(org_id="ORG-ACME", notify=team(2)))
    clock = MovableClock(datetime.now(UTC) + timedelta(seconds=1))
    sender = sending(session_factory, mail_catcher.url, hourly_limit=LIMIT, clock=clock)
    assert await sender.send_due() == 2
    clock.advance(timedelta(minutes=10))
    await declare(session_factory, declared(org_id="ORG-ACME", notify=[]))
    assert await sender.send_due() == 0
    waiting = [row for row in await deliveries(session_factory) if row.status == "pending"]
    assert len(waiting) == 2
    first, second = sorted(waiting, key=lambda row: row.next_attempt_at)
    assert first.id < second.id
    assert second.next_attempt_at - first.next_attempt_at == HOUR / LIMIT
