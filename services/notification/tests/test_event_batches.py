"""Events applied as the consumer applies a batch (one transaction, each run of events of
a type at once) record what they record one at a time, in a few statements."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from notification.adapters.tables import Delivery
from ticketing_common.db.engine import SessionFactory
from ticketing_common.events import CloudEvent
from ticketing_common.reference import TicketStatus as S

from .factories import comment_added, declared, status_change, ticket_updated
from .statements import statements_sent
from .support import consume_batch, declare, deliveries, update_ticket

AT = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)


def incident_life() -> list[CloudEvent[Any]]:
    """A declaration, its ticket, a comment, then a change that repeats the comment;
    and a second declaration with its ticket, interleaved."""
    first, second = declared(), declared()
    return [
        first,
        second,
        ticket_updated(first.data, at=AT),
        comment_added(first.data, version=2, comment="Looking at the gateway.", at=AT),
        ticket_updated(second.data, ticket_number="INC0001235", at=AT),
        status_change(
            first.data,
            version=3,
            from_status=S.IN_PROGRESS,
            to_status=S.RESOLVED,
            action="resolve",
            at=AT + timedelta(minutes=5),
        ),
    ]


def as_recorded(rows: list[Delivery], events: list[CloudEvent[Any]]) -> list[tuple[Any, ...]]:
    """The deliveries, their declarations named by their place in the story, each
    reply naming the position of its thread's root."""
    declarations = {
        e.data.declaration_id: f"D{i}" for i, e in enumerate(events) if e.type.startswith("inc")
    }
    position = {row.message_id: i for i, row in enumerate(rows)}

    def story(text: str) -> str:
        for declaration_id, name in declarations.items():
            text = text.replace(declaration_id, name)
        return text

    return [
        (
            declarations[row.declaration_id],
            row.kind,
            row.recipient_email,
            row.language,
            row.ticket_number,
            row.ticket_version,
            story(row.subject),
            story(row.body_text),
            story(row.body_html),
            position.get(row.in_reply_to),
        )
        for row in rows
    ]


async def test_a_batch_records_what_one_event_at_a_time_records(
    session_factory: SessionFactory,
) -> None:
    alone = incident_life()
    for event in alone:
        if event.type.startswith("incident"):
            await declare(session_factory, event)
        else:
            await update_ticket(session_factory, event)
    recorded_alone = await deliveries(session_factory)

    together = incident_life()
    await consume_batch(session_factory, together)
    recorded_together = (await deliveries(session_factory))[len(recorded_alone) :]

    # Six events, each an email to the three people of its incident.
    assert len(recorded_alone) == 6 * 3
    assert as_recorded(recorded_together, together) == as_recorded(recorded_alone, alone)
    resolved = [row for row in recorded_together if row.kind == "resolved"]
    assert resolved
    assert all("Looking at the gateway." in row.body_text for row in resolved)


async def test_a_run_of_events_is_recorded_in_a_few_statements(
    session_factory: SessionFactory,
) -> None:
    declarations = [declared() for _ in range(5)]
    with statements_sent(session_factory) as sent:
        await consume_batch(session_factory, declarations)
    # The inbox, the tickets known already, every delivery and thread.
    assert len(sent) == 3, sent
    with statements_sent(session_factory) as sent:
        await consume_batch(session_factory, [ticket_updated(d.data) for d in declarations])
    # The inbox, each change's ticket and comment, every delivery and thread.
    assert len(sent) == 1 + 5 + 1, sent
    assert len(await deliveries(session_factory)) == 30


async def test_interleaved_types_are_one_run_and_record_their_deliveries_once(
    session_factory: SessionFactory,
) -> None:
    # The queue interleaves the two types: the batch is still one run, so its
    # acknowledgements and its ticket emails are each one insert.
    first, second = declared(), declared()
    batch: list[CloudEvent[Any]] = [
        first,
        ticket_updated(first.data),
        second,
        ticket_updated(second.data),
    ]
    with statements_sent(session_factory) as sent:
        await consume_batch(session_factory, batch)
    # The inbox; the declarations' known tickets and their deliveries; each change's
    # ticket and comment, then the changes' deliveries. As two runs of each type, the
    # deliveries would take four inserts and the tickets known two reads.
    assert len(sent) == 1 + 2 + 2 + 1, sent
    assert len(await deliveries(session_factory)) == 12
