"""Whatever the order events arrive in, and however often, the row ends the same."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import reduce
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.adapters.tables import Incident
from search.domain.incident import IncidentRecord, merge
from search.domain.projection import record_from_declaration, record_from_ticket
from ticketing_common.db.engine import SessionFactory
from ticketing_common.events import IncidentDeclaredV1
from ticketing_common.reference import Priority, TicketStatus

from .conftest import apply_events
from .factories import AnyEvent, declared, ticket_updated


@dataclass(frozen=True)
class Story:
    """A declaration and its ticket's versions 1..n, and the order they are delivered
    in: indexes into [declaration, version 1, ..., version n], some repeated."""

    changes: list[tuple[TicketStatus, Priority]]
    delivery: list[int]

    def events(self, declaration_id: str) -> list[AnyEvent]:
        declaration = declared(declaration_id=declaration_id)
        tickets = [
            # The same ticket number for both stories, so their rows compare whole.
            ticket_updated(
                declaration.data,
                version=version,
                status=status,
                priority=priority,
                ticket_number="INC0000042",
                description=f"Described again at version {version}",
            )
            for version, (status, priority) in enumerate(self.changes, start=1)
        ]
        return [declaration, *tickets]


@st.composite
def stories(draw: st.DrawFn) -> Story:
    changes = draw(
        st.lists(
            st.tuples(st.sampled_from(TicketStatus), st.sampled_from(Priority)),
            min_size=1,
            max_size=5,
        )
    )
    indexes = list(range(len(changes) + 1))
    repeated = draw(st.lists(st.sampled_from(indexes), max_size=6))
    return Story(changes, draw(st.permutations(indexes + repeated)))


def fold(events: list[AnyEvent]) -> IncidentRecord | None:
    records = [
        record_from_declaration(event.data)
        if isinstance(event.data, IncidentDeclaredV1)
        else record_from_ticket(event.data)
        for event in events
    ]
    return reduce(merge, records, None)


async def stored(factory: SessionFactory, declaration_id: str) -> dict[str, Any]:
    async with factory() as session:
        row = await session.get(Incident, declaration_id)
    assert row is not None
    values = {column.key: getattr(row, column.key) for column in Incident.__mapper__.columns}
    del values["declaration_id"]
    return values


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(story=stories())
async def test_any_order_with_duplicates_ends_as_the_ordered_stream(
    session_factory: SessionFactory, story: Story
) -> None:
    in_order_id, shuffled_id = str(uuid.uuid4()), str(uuid.uuid4())
    in_order = story.events(in_order_id)
    shuffled_source = story.events(shuffled_id)
    shuffled = [shuffled_source[index] for index in story.delivery]

    await apply_events(session_factory, in_order)
    await apply_events(session_factory, shuffled)

    expected = await stored(session_factory, in_order_id)
    assert await stored(session_factory, shuffled_id) == expected
    # The pure rule agrees with the SQL, whatever the order.
    folded = fold(shuffled)
    assert folded is not None
    assert {k: v for k, v in folded.as_row().items() if k != "declaration_id"} == expected
    assert expected["ticket_version"] == len(story.changes)
    assert expected["status"] == story.changes[-1][0].value
