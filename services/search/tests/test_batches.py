"""A run of events applied at once, as the consumer hands them over, leaves the list,
its sites, the change log and the journal exactly as applying them one by one does."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, select

from search.adapters.tables import Incident, IncidentChange, JournalEntry, Site
from search.bootstrap import MIGRATIONS, event_router
from search.domain.waves import waves
from ticketing_common.db.engine import SessionFactory, create_engine, create_session_factory
from ticketing_common.db.migrations import upgrade_to_head_async
from ticketing_common.events import CloudEvent
from ticketing_common.messaging.consumer import RejectEvent, decode_event
from ticketing_common.reference import TicketStatus
from ticketing_devkit.pytest_plugin import MakeDatabase

from .conftest import apply_events
from .factories import AnyEvent, declared, ticket_updated, unique
from .test_event_order import Story, stories

INCIDENTS: Table = Incident.__table__  # type: ignore[assignment]
SITES: Table = Site.__table__  # type: ignore[assignment]
CHANGES: Table = IncidentChange.__table__  # type: ignore[assignment]
JOURNAL: Table = JournalEntry.__table__  # type: ignore[assignment]


@pytest.fixture(scope="session")
async def batched_factory(make_database: MakeDatabase) -> AsyncIterator[SessionFactory]:
    """A second database, where the same events are applied in batches."""
    url = await make_database("search_batches")
    await upgrade_to_head_async(MIGRATIONS, url)
    engine = create_engine(url, pool_size=2)
    yield create_session_factory(engine)
    await engine.dispose()


def as_consumed(event: AnyEvent | dict[str, Any]) -> CloudEvent[Any]:
    """The event (or an envelope as JSON) as the consumer hands it over: decoded from
    its bytes by the router."""
    body = json.dumps(event).encode() if isinstance(event, dict) else event.to_json_bytes()
    return decode_event(body, event_router())


async def apply_in_batches(
    factory: SessionFactory,
    events: Sequence[AnyEvent | dict[str, Any]],
    sizes: Sequence[int],
) -> None:
    """Each batch in its own transaction, through the router, as the consumer does."""
    route = event_router().route_for("incident.declared.v1")
    assert route is not None
    start = 0
    for size in [*sizes, len(events)]:
        batch = [as_consumed(event) for event in events[start : start + size]]
        if batch:
            async with factory.begin() as session:
                await route.apply(session, batch)
        start += size


async def state_of(factory: SessionFactory, declaration_ids: set[str]) -> dict[str, Any]:
    """Every row the events left, without what the database numbers or dates itself."""
    ids = sorted(declaration_ids)
    incidents = [c for c in INCIDENTS.c if c.name != "search_document"]
    changes = [c for c in CHANGES.c if c.name not in {"id", "recorded_at"}]
    journal = [c for c in JOURNAL.c if c.name not in {"seq", "received_at"}]
    async with factory() as session:
        return {
            "incidents": (
                await session.execute(
                    select(*incidents)
                    .where(INCIDENTS.c.declaration_id.in_(ids))
                    .order_by(INCIDENTS.c.declaration_id)
                )
            )
            .mappings()
            .all(),
            "changes": (
                await session.execute(
                    select(*changes).where(CHANGES.c.declaration_id.in_(ids)).order_by(CHANGES.c.id)
                )
            )
            .mappings()
            .all(),
            "journal": (
                await session.execute(
                    select(*journal)
                    .where(JOURNAL.c.correlation_id.in_(ids))
                    .order_by(JOURNAL.c.seq)
                )
            )
            .mappings()
            .all(),
        }


async def test_a_declaration_and_its_update_in_one_batch_end_as_one_by_one(
    session_factory: SessionFactory, batched_factory: SessionFactory
) -> None:
    event = declared()
    created = ticket_updated(event.data, version=1)
    started = ticket_updated(event.data, version=2, status=TicketStatus.IN_PROGRESS, public=False)
    events: list[AnyEvent] = [event, created, started]

    await apply_events(session_factory, events)
    await apply_in_batches(batched_factory, events, [3])

    ids = {event.data.declaration_id}
    one_by_one = await state_of(session_factory, ids)
    assert await state_of(batched_factory, ids) == one_by_one
    # Each change logged with the row as it stood after it, not after the batch.
    assert [(change["kind"], change["incident"]["status"]) for change in one_by_one["changes"]] == [
        ("declared", "registering"),
        ("created", "new"),
        ("status_changed", "in_progress"),
    ]
    assert [entry["event_id"] for entry in one_by_one["journal"]] == [each.id for each in events]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    stories=st.lists(stories(), min_size=1, max_size=3),
    interleaving=st.randoms(use_true_random=False),
    sizes=st.lists(st.integers(1, 8), max_size=6),
)
async def test_any_batching_of_any_delivery_ends_as_one_by_one(
    session_factory: SessionFactory,
    batched_factory: SessionFactory,
    stories: list[Story],
    interleaving: Any,
    sizes: list[int],
) -> None:
    """Shuffled, repeated events of a few incidents, cut into batches anywhere: several
    versions of one incident, and the same event twice, may share a batch."""
    delivered: list[AnyEvent] = []
    ids: set[str] = set()
    for story in stories:
        declaration_id = str(uuid.uuid4())
        ids.add(declaration_id)
        events = story.events(declaration_id)
        delivered.extend(events[index] for index in story.delivery)
    interleaving.shuffle(delivered)

    await apply_events(session_factory, delivered)
    await apply_in_batches(batched_factory, delivered, sizes)

    assert await state_of(batched_factory, ids) == await state_of(session_factory, ids)


async def test_a_batch_of_many_incidents_writes_one_journal_entry_each_in_its_order(
    batched_factory: SessionFactory,
) -> None:
    site_id = unique("SITE")
    events: list[AnyEvent] = [declared(site_id=site_id) for _ in range(60)]
    ids = {event.data.declaration_id for event in events}

    await apply_in_batches(batched_factory, events, [len(events)])

    state = await state_of(batched_factory, ids)
    assert [entry["event_id"] for entry in state["journal"]] == [event.id for event in events]
    assert [change["declaration_id"] for change in state["changes"]] == [
        event.data.declaration_id for event in events
    ]
    assert len(state["incidents"]) == 60
    async with batched_factory() as session:
        site = await session.get(Site, site_id)
    assert site is not None
    # The latest description wins, as declaration after declaration.
    latest = max(events, key=lambda event: (event.data.declared_at, event.data.declaration_id))
    assert site.described_by == latest.data.declaration_id


async def test_an_event_of_another_type_in_a_batch_is_journaled_only(
    batched_factory: SessionFactory,
) -> None:
    event = declared()
    other = {
        **json.loads(event.to_json_bytes()),
        "id": str(uuid.uuid4()),
        "type": "site.moved.v1",
        "data": {"org_id": event.data.org_id, "x": [1]},
    }
    await apply_in_batches(batched_factory, [event, other], [2])

    state = await state_of(batched_factory, {event.data.declaration_id})
    assert [(entry["type"], entry["org_id"]) for entry in state["journal"]] == [
        ("incident.declared.v1", event.data.org_id),
        ("site.moved.v1", event.data.org_id),
    ]
    assert state["journal"][1]["envelope"]["data"] == {"org_id": event.data.org_id, "x": [1]}
    assert [change["kind"] for change in state["changes"]] == ["declared"]


async def test_a_batch_with_unreadable_data_is_refused_before_any_write(
    batched_factory: SessionFactory,
) -> None:
    """The consumer then applies the batch's messages one at a time, and dead-letters
    only the refused one."""
    event = declared()
    broken = ticket_updated(event.data, version=2, event_version=3)
    route = event_router().route_for(event.type)
    assert route is not None
    async with batched_factory() as session:
        with pytest.raises(RejectEvent, match="differs from the ticket's"):
            await route.apply(session, [as_consumed(event), as_consumed(broken)])
        written = await session.scalar(
            select(JOURNAL.c.seq).where(JOURNAL.c.correlation_id == event.data.declaration_id)
        )
        assert written is None
        await session.rollback()


def test_waves_take_each_key_once_in_the_order_given() -> None:
    assert waves([]) == []
    assert waves(["a", "b", "c"]) == [[0, 1, 2]]
    assert waves(["a", "a", "b", "a", "c", "b"]) == [[0, 2, 4], [1, 5], [3]]


async def test_a_batch_s_feed_ids_wait_for_the_batch_before_it_to_commit(
    batched_factory: SessionFactory,
) -> None:
    """The feed-order lock is taken by the batch's own insert: a second batch gets its
    ids only once the first has committed, so no id becomes visible after a larger one."""
    route = event_router().route_for("incident.declared.v1")
    assert route is not None
    # Sites of their own: a shared one would make the second wait on its row instead.
    first, second = declared(site_id=unique("SITE")), declared(site_id=unique("SITE"))
    async with batched_factory.begin() as session:
        await route.apply(session, [as_consumed(first)])

        async def apply_second() -> None:
            async with batched_factory.begin() as other:
                await route.apply(other, [as_consumed(second)])

        waiting = asyncio.create_task(apply_second())
        await asyncio.sleep(0.5)
        assert not waiting.done()
    await asyncio.wait_for(waiting, timeout=10)
    ids = {first.data.declaration_id, second.data.declaration_id}
    state = await state_of(batched_factory, ids)
    assert [entry["event_id"] for entry in state["journal"]] == [first.id, second.id]
    assert [change["declaration_id"] for change in state["changes"]] == [
        first.data.declaration_id,
        second.data.declaration_id,
    ]
