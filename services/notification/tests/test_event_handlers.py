"""What the events do to the delivery log, applied as the consumer applies them
(inbox row and effect in one transaction) on the real database."""

from __future__ import annotations

from ticketing_common.db.engine import SessionFactory
from ticketing_common.db.messaging_tables import inbox
from ticketing_common.events.parts import Recipient
from ticketing_common.reference import Language

from .factories import declared, jeanne, ticket_updated
from .support import declare, deliveries, update_ticket


async def test_one_acknowledgement_per_distinct_recipient_in_their_language(
    session_factory: SessionFactory,
) -> None:
    event = declared(
        notify=[
            Recipient(name="Paul", email="paul@example.com", language=Language.FR),
            Recipient(name="Noc", email="NOC@example.com", language=Language.EN),
            Recipient(email="Jeanne.Martin@EXAMPLE.com", language=Language.EN),
            Recipient(email="noc@example.com", language=Language.FR),
        ]
    )
    assert await declare(session_factory, event)
    rows = await deliveries(session_factory)
    assert [(r.recipient_email, r.recipient_name, r.language) for r in rows] == [
        ("jeanne.martin@example.com", "Jeanne Martin", "fr"),
        ("paul@example.com", "Paul", "fr"),
        ("NOC@example.com", "Noc", "en"),
    ]
    for row in rows:
        assert row.event_id == event.id
        assert row.declaration_id == event.data.declaration_id
        assert row.org_id == "ORG-1"
        assert row.ticket_number is None
        assert row.kind == "acknowledgement"
        assert row.status == "pending"
        assert row.attempts == 0
        assert row.last_error is None
        assert row.sent_at is None
        assert row.next_attempt_at is not None
        assert "VPN down in Lyon" in row.subject
        assert f"/incidents/{event.data.declaration_id}" in row.body_text
        assert f"/incidents/{event.data.declaration_id}" in row.body_html
    french, _, english = rows
    assert french.subject.startswith("Déclaration d'incident reçue")
    assert "Service indisponible" in french.body_text
    assert english.subject.startswith("Incident declaration received")
    assert "Service unavailable" in english.body_text


async def test_an_event_applied_twice_records_its_deliveries_once(
    session_factory: SessionFactory,
) -> None:
    event = declared()
    assert await declare(session_factory, event)
    assert not await declare(session_factory, event)
    assert len(await deliveries(session_factory)) == 3


async def test_the_deliveries_table_itself_refuses_a_second_email_for_one_event(
    session_factory: SessionFactory,
) -> None:
    # A replayed event whose inbox row is gone (say, after a cleanup) still finds
    # the unique (event_id, recipient_email) in its way.
    event = declared()
    assert await declare(session_factory, event)
    async with session_factory.begin() as session:
        await session.execute(inbox.delete())
    assert await declare(session_factory, event)
    assert len(await deliveries(session_factory)) == 3


async def test_a_declaration_with_only_an_interlocutor_gets_one_email(
    session_factory: SessionFactory,
) -> None:
    await declare(session_factory, declared(notify=[]))
    rows = await deliveries(session_factory)
    assert [row.recipient_email for row in rows] == [jeanne().email]


async def test_the_ticket_number_is_recorded_on_the_declaration_deliveries(
    session_factory: SessionFactory,
) -> None:
    event = declared()
    other = declared()
    await declare(session_factory, event)
    await declare(session_factory, other)
    assert await update_ticket(session_factory, ticket_updated(event.data))
    numbers = {row.declaration_id: row.ticket_number for row in await deliveries(session_factory)}
    assert numbers == {event.data.declaration_id: "INC0001234", other.data.declaration_id: None}


async def test_a_later_ticket_update_changes_no_ticket_number_already_known(
    session_factory: SessionFactory,
) -> None:
    event = declared()
    await declare(session_factory, event)
    await update_ticket(session_factory, ticket_updated(event.data, version=2))
    await update_ticket(
        session_factory, ticket_updated(event.data, ticket_number="INC0009999", version=1)
    )
    acknowledgements = [
        row for row in await deliveries(session_factory) if row.kind == "acknowledgement"
    ]
    assert {row.ticket_number for row in acknowledgements} == {"INC0001234"}


async def test_an_acknowledgement_after_its_ticket_names_the_ticket(
    session_factory: SessionFactory,
) -> None:
    # The ticket's event can overtake the declaration's (a redelivery, a replay).
    event = declared()
    await update_ticket(session_factory, ticket_updated(event.data))
    await declare(session_factory, event)
    rows = await deliveries(session_factory)
    assert {row.ticket_number for row in rows} == {"INC0001234"}
    assert all(row.subject.startswith("[INC0001234] ") for row in rows)
