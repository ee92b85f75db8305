"""What ``ticket.updated`` does to the delivery log, applied as the consumer applies it
(inbox row and effect in one transaction) on the real database."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from notification.adapters.tables import Delivery, Thread
from ticketing_common.db.engine import SessionFactory
from ticketing_common.events import new_event
from ticketing_common.events.parts import Actor, ActorKind, Recipient
from ticketing_common.reference import Language
from ticketing_common.reference import TicketStatus as S

from .factories import DECLARER, comment_added, declared, status_change, ticket_updated
from .support import declare, deliveries, update_ticket

ADDRESSES = ["jeanne.martin@example.com", "paul@example.com", "noc@example.com"]


async def of_kind(session_factory: SessionFactory, kind: str) -> list[Delivery]:
    return [row for row in await deliveries(session_factory) if row.kind == kind]


async def test_the_ticket_number_reaches_everyone_in_their_language_in_their_thread(
    session_factory: SessionFactory,
) -> None:
    event = declared()
    await declare(session_factory, event)
    created = ticket_updated(event.data)
    assert await update_ticket(session_factory, created)
    acknowledgements = {
        r.recipient_email: r for r in await of_kind(session_factory, "acknowledgement")
    }
    registered = await of_kind(session_factory, "registered")
    assert [r.recipient_email for r in registered] == ADDRESSES
    for row in registered:
        acknowledgement = acknowledgements[row.recipient_email]
        assert row.event_id == created.id
        assert row.ticket_number == "INC0001234"
        assert row.ticket_version == 1
        assert row.status == "pending"
        assert row.subject == "[INC0001234] VPN down in Lyon"
        assert row.message_id is not None
        assert row.message_id != acknowledgement.message_id
        # The acknowledgement is each recipient's first email: the root of the thread.
        assert acknowledgement.in_reply_to is None
        assert row.in_reply_to == acknowledgement.message_id
    french, _, english = registered
    assert (french.language, english.language) == ("fr", "en")
    assert "enregistré sous le numéro INC0001234" in french.body_text
    assert "registered as INC0001234" in english.body_text


async def test_internal_changes_send_nothing_and_leave_no_trace_in_later_emails(
    session_factory: SessionFactory,
) -> None:
    event = declared()
    await declare(session_factory, event)
    await update_ticket(session_factory, ticket_updated(event.data))
    before = len(await deliveries(session_factory))
    internal = comment_added(event.data, version=2, comment="Customer is difficult", public=False)
    assert await update_ticket(session_factory, internal)
    hidden_move = status_change(
        event.data,
        version=3,
        from_status=S.NEW,
        to_status=S.ACKNOWLEDGED,
        action="acknowledge",
        public=False,
    )
    assert await update_ticket(session_factory, hidden_move)
    assert len(await deliveries(session_factory)) == before
    # The next public change repeats the latest *public* comment: there is none.
    await update_ticket(
        session_factory,
        status_change(
            event.data,
            version=4,
            from_status=S.ACKNOWLEDGED,
            to_status=S.IN_PROGRESS,
            action="start",
        ),
    )
    started = await of_kind(session_factory, "status_changed")
    assert len(started) == 3
    for row in started:
        assert "difficult" not in row.body_text
        assert "difficult" not in row.body_html
        assert "dernier commentaire" not in row.body_text
        assert "Latest comment" not in row.body_text


async def test_the_same_change_twice_records_one_email_per_recipient(
    session_factory: SessionFactory,
) -> None:
    event = declared()
    await declare(session_factory, event)
    change = comment_added(event.data, version=2, comment="We are on it.")
    assert await update_ticket(session_factory, change)
    # Redelivered by the broker: the inbox drops it.
    assert not await update_ticket(session_factory, change)
    # Published again under another event id: the ticket's version gives it away.
    again = new_event(change.data, source="/tests", correlation_id=change.correlationid)
    assert again.id != change.id
    assert await update_ticket(session_factory, again)
    assert len(await of_kind(session_factory, "comment_added")) == 3


async def test_the_author_of_a_customer_comment_gets_no_copy_of_it(
    session_factory: SessionFactory,
) -> None:
    event = declared()
    await declare(session_factory, event)
    # Jeanne, the declaring user, comments from the portal.
    await update_ticket(
        session_factory, comment_added(event.data, version=2, comment="Any news?", actor=DECLARER)
    )
    assert [r.recipient_email for r in await of_kind(session_factory, "comment_added")] == [
        "paul@example.com",
        "noc@example.com",
    ]
    # Paul, named by the address his token carries.
    paul = Actor(kind=ActorKind.CUSTOMER, sub="u-7", name="Paul Durand", email="PAUL@example.com")
    await update_ticket(
        session_factory,
        status_change(
            event.data,
            version=3,
            from_status=S.IN_PROGRESS,
            to_status=S.CANCELLED,
            action="cancel",
            actor=paul,
            reason="Solved on our side",
        ),
    )
    cancelled = await of_kind(session_factory, "status_changed")
    assert [r.recipient_email for r in cancelled] == [
        "jeanne.martin@example.com",
        "noc@example.com",
    ]
    assert "a été annulé par Paul Durand" in cancelled[0].body_text
    assert "Solved on our side" in cancelled[0].body_text


async def test_when_the_ticket_overtakes_the_declaration_its_email_starts_the_thread(
    session_factory: SessionFactory,
) -> None:
    event = declared(notify=[])
    await update_ticket(session_factory, ticket_updated(event.data))
    await declare(session_factory, event)
    [registered] = await of_kind(session_factory, "registered")
    [acknowledgement] = await of_kind(session_factory, "acknowledgement")
    assert registered.in_reply_to is None
    assert acknowledgement.in_reply_to == registered.message_id
    assert acknowledgement.subject.startswith("[INC0001234] ")


async def test_a_thread_is_per_recipient_whatever_the_case_of_the_address(
    session_factory: SessionFactory,
) -> None:
    event = declared(notify=[])
    await declare(session_factory, event)
    shouting = Recipient(name="Jeanne", email="JEANNE.MARTIN@EXAMPLE.COM", language=Language.FR)
    newcomer = Recipient(name="Léa", email="lea@example.com", language=Language.EN)
    await update_ticket(
        session_factory,
        ticket_updated(event.data, interlocutor=shouting, notify=[newcomer]),
    )
    [acknowledgement] = await of_kind(session_factory, "acknowledgement")
    registered = {r.recipient_email: r for r in await of_kind(session_factory, "registered")}
    assert registered["JEANNE.MARTIN@EXAMPLE.COM"].in_reply_to == acknowledgement.message_id
    # Léa was added on the ticket later: her first email is the root of her thread.
    assert registered["lea@example.com"].in_reply_to is None
    await update_ticket(
        session_factory, comment_added(event.data, version=2, comment="Hi", notify=[newcomer])
    )
    comments = {r.recipient_email: r for r in await of_kind(session_factory, "comment_added")}
    assert comments["lea@example.com"].in_reply_to == registered["lea@example.com"].message_id
    async with session_factory() as session:
        threads = (await session.execute(select(Thread.recipient))).scalars().all()
    assert sorted(threads) == ["jeanne.martin@example.com", "lea@example.com"]


async def test_the_latest_public_comment_is_repeated_and_an_older_one_never_replaces_it(
    session_factory: SessionFactory,
) -> None:
    event = declared(notify=[])
    await declare(session_factory, event)
    await update_ticket(
        session_factory, comment_added(event.data, version=3, comment="Newest words")
    )
    # Version 2's comment arrives late.
    await update_ticket(
        session_factory, comment_added(event.data, version=2, comment="Older words")
    )
    await update_ticket(
        session_factory,
        status_change(
            event.data, version=4, from_status=S.IN_PROGRESS, to_status=S.RESOLVED, action="resolve"
        ),
    )
    [resolved] = await of_kind(session_factory, "resolved")
    assert "Rappel du dernier commentaire" in resolved.body_text
    assert "Newest words" in resolved.body_text
    assert "Older words" not in resolved.body_text
    # A change older than the latest comment does not repeat a comment from its future.
    await update_ticket(
        session_factory,
        status_change(
            event.data, version=1, from_status=S.NEW, to_status=S.ACKNOWLEDGED, action="acknowledge"
        ),
    )
    [acknowledged] = await of_kind(session_factory, "status_changed")
    assert "Newest words" not in acknowledged.body_text


async def test_two_events_of_one_incident_handled_at_once_make_one_thread_per_recipient(
    session_factory: SessionFactory,
) -> None:
    for _ in range(5):
        event = declared()
        # Two consumers (or two replicas) apply both events at the same moment.
        await asyncio.gather(
            declare(session_factory, event),
            update_ticket(session_factory, ticket_updated(event.data)),
        )
        rows = [
            row
            for row in await deliveries(session_factory)
            if row.declaration_id == event.data.declaration_id
        ]
        assert len(rows) == 6
        for address in ADDRESSES:
            mine = [row for row in rows if row.recipient_email == address]
            [root] = [row for row in mine if row.in_reply_to is None]
            [reply] = [row for row in mine if row is not root]
            assert reply.in_reply_to == root.message_id
