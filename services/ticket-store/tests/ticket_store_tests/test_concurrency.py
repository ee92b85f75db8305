"""Two people acting on the same version at once: one wins, the other gets 412."""

from __future__ import annotations

import asyncio

import pytest

from ticket_store.adapters.tables import Ticket
from ticket_store.adapters.ticket_writes import StaleVersion, record_outcome
from ticket_store.adapters.work_rows import work_of
from ticket_store.domain.actors import Actor, ActorRole
from ticket_store.domain.lifecycle import Action
from ticket_store.domain.transitions import transition
from ticket_store.runtime import TicketStoreRuntime
from ticketing_devkit.service_testing import ServiceUnderTest

from .support import Desktop, events_of, history_of, new_ticket, ticket_row

AGENT = Actor(ActorRole.AGENT, sub="u-ops-sam", name="Sam Agent")


@pytest.mark.parametrize("agents", [2, 6])
async def test_agents_acting_on_the_same_version_at_once_one_wins(
    agents: int, store: ServiceUnderTest, runtime: TicketStoreRuntime
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    desks = [Desktop(store.client, "agent" if i % 2 else "supervisor") for i in range(agents)]
    answers = await asyncio.gather(
        *(desk.transition(number, "acknowledge", version=1) for desk in desks)
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [412] * (agents - 1), [a.text for a in answers]
    row = await ticket_row(runtime.session_factory, number)
    assert (row.status, row.version) == ("acknowledged", 2)
    assert len(await events_of(runtime.session_factory, number)) == 2
    assert len(await history_of(runtime.session_factory, number)) == 2


async def test_different_commands_racing_on_one_version_one_wins(
    store: ServiceUnderTest, runtime: TicketStoreRuntime
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    agent, supervisor, customer = (
        Desktop(store.client, "agent"),
        Desktop(store.client, "supervisor"),
        Desktop(store.client, "customer"),
    )
    answers = await asyncio.gather(
        agent.assignment(number, "take", version=1),
        supervisor.priority(number, "P2", "Only one site", version=1),
        customer.transition(number, "cancel", reason="Works again", version=1),
        agent.comment(number, "Looking", "internal", version=1),
    )
    won = [a for a in answers if a.status_code in (200, 201)]
    lost = [a for a in answers if a.status_code == 412]
    assert (len(won), len(lost)) == (1, 3), [a.text for a in answers]
    row = await ticket_row(runtime.session_factory, number)
    assert row.version == 2
    assert [e["data"]["version"] for e in await events_of(runtime.session_factory, number)] == [
        1,
        2,
    ]


async def test_comments_without_a_version_all_land_one_version_each(
    store: ServiceUnderTest, runtime: TicketStoreRuntime
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    desks = [Desktop(store.client, who) for who in ("agent", "supervisor", "customer") * 3]
    answers = await asyncio.gather(
        *(desk.comment(number, f"note {i}", "public") for i, desk in enumerate(desks))
    )
    assert [a.status_code for a in answers] == [201] * len(desks), [a.text for a in answers]
    versions = sorted(a.json()["ticket"]["version"] for a in answers)
    assert versions == list(range(2, 2 + len(desks)))
    events = await events_of(runtime.session_factory, number)
    assert [e["data"]["version"] for e in events] == list(range(1, 2 + len(desks)))


async def test_the_write_is_conditioned_on_the_version_read(runtime: TicketStoreRuntime) -> None:
    """Two writers read version 1, both decide; the second write finds no such version."""
    number = await new_ticket(runtime.session_factory, runtime.desk)
    factory = runtime.session_factory
    async with factory.begin() as first, factory.begin() as second:
        one = await first.get(Ticket, number)
        two = await second.get(Ticket, number)
        assert one is not None
        assert two is not None
        at = runtime.desk.clock()
        policy = runtime.desk.policy
        await record_outcome(
            first, number, transition(work_of(one), Action.ACKNOWLEDGE, AGENT, at=at, policy=policy)
        )
        await first.commit()
        with pytest.raises(StaleVersion):
            await record_outcome(
                second, number, transition(work_of(two), Action.START, AGENT, at=at, policy=policy)
            )
        await second.rollback()
    row = await ticket_row(factory, number)
    assert (row.status, row.version) == ("acknowledged", 2)
    assert len(await events_of(factory, number)) == 2
