"""Poison in the middle of a batch: the batch fails, its messages are applied one at a
time, only the poison is dead-lettered and each neighbour is applied once.

Published into search's queue while the database is away: the first to arrive may
form the batch the consumer holds, the others pile up in its hands behind it, and when
the database returns they are applied as batches with poisons between valid events
(the consumer's log shows the batches that fell back). The poisons are ``handler-rejects``
ones (their data is refused by search's handler inside the batch's transaction, the
one kind that sinks a whole batch; an undecodable message is set aside before the
transaction). The neighbours are events of a type no one has a model for: search's
journal keeps any type, nothing else changes, and the journal shows each was applied.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass

from aio_pika.abc import AbstractConnection

from .faults import FaultLog
from .poison import Outgoing, Poison, envelope, publish_into_queue
from .services import ChaosService

NEIGHBOUR_TYPE = "failure-suite.neighbour.v1"
# What search's consumer logs when a batch fails and its messages go one at a time.
FALLBACK = "batch failed, applying its messages one at a time"
# Neighbours before, between and after the poisons.
RUN = 3


@dataclass
class PoisonedBatch:
    """The messages of one poisoned batch, and where its fallback is looked for."""

    tag: str
    queue: str
    search: ChaosService
    poisons: list[Poison]
    neighbours: list[str]
    log_mark: int = 0
    published_at: float = 0.0

    async def publish(self, connection: AbstractConnection) -> str:
        """While the consumers are held: neighbours, a poison, neighbours, ..."""
        self.log_mark = self.search.log_size()
        self.published_at = time.monotonic()
        messages: list[Outgoing] = []
        for number in range(len(self.poisons) + 1):
            messages.extend(self._neighbour(number * RUN + index) for index in range(RUN))
            if number < len(self.poisons):
                poison = self.poisons[number]
                messages.append(Outgoing(poison.message_id, poison.body, poison.event_type))
        await publish_into_queue(connection, self.queue, messages)
        return f"{len(self.poisons)} poisons between {len(self.neighbours)} neighbours"

    async def confirm_fallback(self, log: FaultLog, seconds: float = 60.0) -> None:
        """Once the database is back: the batch holding the poisons failed and fell back
        to one message at a time, or this fault did not test what it means to."""
        deadline = time.monotonic() + seconds
        while FALLBACK not in self.search.log_since(self.log_mark):
            if time.monotonic() > deadline:
                log.problem(f"search logged no {FALLBACK!r} within {seconds:.0f} s")
                return
            await asyncio.sleep(0.2)
        log.add(
            "poison in the middle of a batch",
            self.published_at,
            f"{len(self.poisons)} poisons between {len(self.neighbours)} neighbours; search "
            f"fell back to one message at a time "
            f"{time.monotonic() - self.published_at:.1f} s after they were published",
        )

    def _neighbour(self, number: int) -> Outgoing:
        event_id = f"neighbour-{self.tag}-{number:02d}-{uuid.uuid4().hex[:8]}"
        self.neighbours.append(event_id)
        body = envelope(event_id, NEIGHBOUR_TYPE, {"number": number}, f"neighbour-{self.tag}")
        return Outgoing(event_id, body, NEIGHBOUR_TYPE)


def poisoned_batch(tag: str, *, queue: str, search: ChaosService) -> PoisonedBatch:
    """Two poisons search's handler refuses, each between neighbours."""

    def refused(name: str, event_type: str, data: dict[str, object]) -> Poison:
        event_id = f"poison-{tag}-{name}-{uuid.uuid4().hex[:8]}"
        body = envelope(event_id, event_type, data, f"poison-{tag}")
        return Poison("handler-rejects", event_id, body, event_type, "", queue=queue)

    poisons = [
        refused("declared", "incident.declared.v1", {"declaration_id": f"poison-{tag}"}),
        refused("updated", "ticket.updated.v1", {"version": 1}),
    ]
    return PoisonedBatch(tag, queue, search, poisons, neighbours=[])
