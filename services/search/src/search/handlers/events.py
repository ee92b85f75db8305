"""Every event that reaches search's queue: journaled whatever its type, and projected
into the incident list when it is one of the types the list is made from.

Search's router sends every type here (``EventRouter.on_any_batch``), each read as it
came, so the journal keeps fields search has no model for, and an unknown type is
journaled rather than dead-lettered. Data a known type cannot be read as is still
refused (``RejectEvent``): the consumer then applies the batch's messages one at a
time, and only that one goes to the dead letters, with the reason, not into the
journal.

The consumer hands over a run of events at once: each table is written once per run
(the list in a statement per wave, ``domain/waves.py``), not once per event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters.feeds import append_to_feeds
from search.domain.journal import journal_record
from search.handlers.incidents import apply_projections, projection_of
from ticketing_common.events import CloudEvent


async def on_events(session: AsyncSession, events: Sequence[CloudEvent[Any]]) -> None:
    envelopes: list[dict[str, Any]] = [event.model_dump(mode="json") for event in events]
    # Every event read before anything is written: a refused one costs no statement.
    projections = [
        projection
        for event, envelope in zip(events, envelopes, strict=True)
        if (projection := projection_of(event.type, envelope["data"])) is not None
    ]
    changes = await apply_projections(session, projections)
    # Last, just before the consumer commits: the feeds' ids follow commit order.
    await append_to_feeds(
        session,
        [
            journal_record(
                event_id=event.id,
                event_type=event.type,
                source=event.source,
                subject=event.subject,
                time=event.time,
                correlation_id=event.correlationid,
                envelope=envelope,
            )
            for event, envelope in zip(events, envelopes, strict=True)
        ],
        changes,
    )
