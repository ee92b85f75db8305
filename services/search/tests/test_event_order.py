"""Whatever the order events arrive in, and however often, the row ends the same."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from search.adapters.tables import Incident, Site
from search.domain.incident import IncidentRecord, merge
from search.domain.projection import record_from_declaration, record_from_ticket
from ticketing_common.db.engine import SessionFactory
from ticketing_common.events import IncidentDeclaredV1
from ticketing_common.events.incident_declared import DeclaredSiteV1
from ticketing_common.events.parts import Person
from ticketing_common.reference import Priority, TicketStatus

from .conftest import apply_events
from .factories import DECLARED_AT, AnyEvent, declared, ticket_updated, unique

# A change: the status and priority it leaves, whether customers see it, who has it.
Change = tuple[TicketStatus, Priority, bool, str | None]


@dataclass(frozen=True)
class Story:
    """A declaration and its ticket's versions 1..n, and the order they are delivered
    in: indexes into [declaration, version 1, ..., version n], some repeated."""

    changes: list[Change]
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
                # Version 1 is the ticket's creation, which customers always see.
                public=public or version == 1,
                assignee=Person(sub=f"u-{assignee}", name=assignee) if assignee else None,
                ticket_number="INC0000042",
                description=f"Described again at version {version}",
            )
            for version, (status, priority, public, assignee) in enumerate(self.changes, start=1)
        ]
        return [declaration, *tickets]


@st.composite
def stories(draw: st.DrawFn) -> Story:
    changes = draw(
        st.lists(
            st.tuples(
                st.sampled_from(TicketStatus),
                st.sampled_from(Priority),
                st.booleans(),
                st.sampled_from([None, "Sam", "Alex"]),
            ),
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


_STORED = [column for column in Incident.__table__.c if column.name != "search_document"]


async def stored(factory: SessionFactory, declaration_id: str) -> dict[str, Any]:
    async with factory() as session:
        row = (
            (
                await session.execute(
                    select(*_STORED).where(Incident.declaration_id == declaration_id)
                )
            )
            .mappings()
            .one()
        )
    values = dict(row)
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
    # The list's time is that of the latest change a customer may see.
    public_times = [
        event.data.ticket.updated_at for event in in_order[1:] if event.data.change.public
    ]
    assert expected["updated_at"] == max(public_times)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    descriptions=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(["Lyon", "Lyon Part-Dieu", "Lyon 3"])),
        min_size=1,
        max_size=4,
    ),
    order=st.randoms(use_true_random=False),
)
async def test_a_site_ends_with_its_latest_description_in_any_order(
    session_factory: SessionFactory, descriptions: list[tuple[int, str]], order: Any
) -> None:
    site_id = unique("SITE")
    events = [
        declared(
            site_id=site_id,
            declared_at=DECLARED_AT + timedelta(hours=hours),
            site=DeclaredSiteV1(name=name, latitude=45.0 + index, longitude=4.0),
        )
        for index, (hours, name) in enumerate(descriptions)
    ]
    shuffled = list(events)
    order.shuffle(shuffled)
    await apply_events(session_factory, shuffled + shuffled[:1])
    latest = max(events, key=lambda event: (event.data.declared_at, event.data.declaration_id))
    async with session_factory() as session:
        site = await session.get(Site, site_id)
    assert site is not None
    assert latest.data.site is not None
    assert (site.name, site.latitude, site.described_by) == (
        latest.data.site.name,
        latest.data.site.latitude,
        latest.data.declaration_id,
    )
