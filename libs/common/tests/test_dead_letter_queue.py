"""Listing, showing, replaying and purging dead letters on the real broker."""

from __future__ import annotations

import asyncio

import aio_pika
import pytest
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection

from ticketing_common.db.engine import SessionFactory
from ticketing_common.dead_letters.letter import REPLAYS_HEADER
from ticketing_common.dead_letters.queue import DeadLetterQueue, DeadLettersBusy, Selection
from ticketing_common.messaging.topology import QueueSpec

from .dead_letter_support import (
    Gate,
    consumer_for,
    declare,
    delete,
    message_count,
    new_spec,
    publish_event,
    publish_raw,
    wait_for,
)


async def dead_letter_three(
    broker: AbstractRobustConnection, spec: QueueSpec, session_factory: SessionFactory, gate: Gate
) -> list[str]:
    """Two events the handler refuses and one undecodable message, dead-lettered by the
    real consumer; their event ids in order."""
    consumer = consumer_for(broker, spec, session_factory, gate)
    await consumer.start()
    first = await publish_event(broker, "first")
    await publish_raw(broker, b"{not json", "poison-1")
    second = await publish_event(broker, "second")

    async def three() -> bool:
        return await message_count(broker, spec.dead_letter_queue) == 3

    await wait_for(three)
    await consumer.stop()
    return [first.id, "poison-1", second.id]


async def test_reading_dead_letters_leaves_them_in_their_queue(
    broker: AbstractRobustConnection, spec: QueueSpec, session_factory: SessionFactory
) -> None:
    ids = await dead_letter_three(broker, spec, session_factory, Gate())
    dead_letters = DeadLetterQueue(broker, spec, idle_seconds=0.5)
    browse = await dead_letters.browse()
    assert browse.total == 3
    assert not browse.more
    # Oldest first: in the order the consumer dead-lettered them.
    assert {letter.message_id for letter in browse.letters} == set(ids)
    by_event = {letter.message_id: letter for letter in browse.letters}
    first, poison = by_event[ids[0]], by_event["poison-1"]
    assert first.reason == "rejected"
    assert first.detail == "refused first"
    assert first.original_routing_key == "incident.declared"
    assert first.queue == spec.name
    assert poison.detail is not None
    assert poison.detail.startswith("undecodable envelope")
    # Read again: the same letters, the same ids, in the same order.
    again = await dead_letters.browse()
    assert [letter.id for letter in again.letters] == [letter.id for letter in browse.letters]
    assert await dead_letters.count() == 3
    # Pages, and the reason filter.
    page = await dead_letters.browse(offset=1, limit=1)
    assert [letter.id for letter in page.letters] == [browse.letters[1].id]
    assert page.more
    assert not (await dead_letters.browse(offset=2, limit=1)).more
    assert [letter.detail for letter in await dead_letters.find(first.id)] == ["refused first"]
    assert [letter.id for letter in await dead_letters.find(ids[2])] == [by_event[ids[2]].id]
    assert await dead_letters.find("nobody") == []
    only = await dead_letters.browse(reason="handler_failed")
    assert only.letters == []


async def test_a_replayed_letter_goes_back_to_its_own_queue_alone_and_is_applied(
    broker: AbstractRobustConnection, spec: QueueSpec, session_factory: SessionFactory
) -> None:
    gate = Gate()
    first_id, _poison, second_id = await dead_letter_three(broker, spec, session_factory, gate)
    # Another queue bound to the same events must not see the replay.
    neighbour = new_spec()
    await declare(broker, neighbour)
    try:
        dead_letters = DeadLetterQueue(broker, spec, idle_seconds=0.5)
        outcome = await dead_letters.replay(Selection(keys=frozenset({first_id})))
        assert len(outcome.done) == 1
        assert outcome.failed == {}
        assert outcome.not_found == []
        assert await message_count(broker, spec.dead_letter_queue) == 2
        assert await message_count(broker, neighbour.name) == 0

        channel = await broker.channel()
        queue = await channel.get_queue(spec.name)
        replayed = await queue.get(no_ack=False, fail=True)
        assert isinstance(replayed, AbstractIncomingMessage)
        assert replayed.message_id == first_id
        headers = replayed.headers or {}
        assert headers[REPLAYS_HEADER] == 1
        assert not [name for name in headers if name.startswith("x-ticketing-dead-letter")]
        assert "x-death" not in headers
        await replayed.nack(requeue=True)
        await channel.close()

        # Fixed, the consumer applies it.
        gate.open = True
        consumer = consumer_for(broker, spec, session_factory, gate)
        await consumer.start()

        async def applied() -> bool:
            return gate.applied == [first_id]

        await wait_for(applied)
        await consumer.stop()
        remaining = await dead_letters.browse()
        assert {letter.message_id for letter in remaining.letters} == {"poison-1", second_id}
    finally:
        await delete(broker, neighbour)


async def test_replay_all_of_a_reason_and_purges(
    broker: AbstractRobustConnection, spec: QueueSpec, session_factory: SessionFactory
) -> None:
    first_id, _poison, second_id = await dead_letter_three(broker, spec, session_factory, Gate())
    dead_letters = DeadLetterQueue(broker, spec, idle_seconds=0.5)
    missing = await dead_letters.purge(Selection(keys=frozenset({"nobody"})))
    assert missing.done == []
    assert missing.not_found == ["nobody"]

    by_event_id = await dead_letters.purge(Selection(keys=frozenset({"poison-1"})))
    assert len(by_event_id.done) == 1
    assert await dead_letters.count() == 2

    refused = await dead_letters.replay(Selection(reason="handler_failed"))
    assert refused.done == []
    replayed = await dead_letters.replay(Selection(reason="rejected"))
    assert len(replayed.done) == 2
    assert await dead_letters.count() == 0
    assert await message_count(broker, spec.name) == 2

    # Dead again, then purged all at once.
    consumer = consumer_for(broker, spec, session_factory, Gate())
    await consumer.start()

    async def dead_again() -> bool:
        return await message_count(broker, spec.dead_letter_queue) == 2

    await wait_for(dead_again)
    await consumer.stop()
    letters = (await dead_letters.browse()).letters
    assert {letter.message_id for letter in letters} == {first_id, second_id}
    assert {letter.replays for letter in letters} == {1}
    purged = await dead_letters.purge(Selection())
    assert len(purged.done) == 2
    assert await dead_letters.count() == 0


async def test_one_operation_at_a_time_and_the_lock_dies_with_its_holder(
    broker: AbstractRobustConnection, spec: QueueSpec, amqp_url: str
) -> None:
    dead_letters = DeadLetterQueue(broker, spec, idle_seconds=0.5)
    other = await aio_pika.connect(amqp_url)
    channel = await other.channel()
    await channel.declare_queue(dead_letters.lock_name, exclusive=True, auto_delete=True)
    with pytest.raises(DeadLettersBusy):
        await dead_letters.browse()
    with pytest.raises(DeadLettersBusy):
        await dead_letters.purge(Selection())
    # The other operator's process dies: its connection, and the lock, go.
    await other.close()
    await asyncio.sleep(0.1)
    assert (await dead_letters.browse()).total == 0


async def test_a_letter_the_broker_dead_lettered_is_listed_with_its_reason(
    broker: AbstractRobustConnection, spec: QueueSpec
) -> None:
    channel = await broker.channel()
    queue = await channel.get_queue(spec.name)

    async def always_requeue(message: AbstractIncomingMessage) -> None:
        await message.nack(requeue=True)

    tag = await queue.consume(always_requeue)
    await publish_raw(broker, b'{"any": "thing"}', "looping")

    async def dead() -> bool:
        return await message_count(broker, spec.dead_letter_queue) == 1

    await wait_for(dead, timeout=30)
    await queue.cancel(tag)
    await channel.close()
    [letter] = (await DeadLetterQueue(broker, spec, idle_seconds=0.5).browse()).letters
    assert letter.reason == "delivery_limit"
    assert letter.message_id == "looping"
    assert letter.original_routing_key == "incident.declared"
    assert letter.dead_lettered_at is not None
