"""Every event that reaches search's queue: journaled whatever its type, and projected
into the incident list when it is one of the types the list is made from.

Search's router sends every type here (``EventRouter.on_any``), each read as it came,
so the journal keeps fields search has no model for, and an unknown type is journaled
rather than dead-lettered. Data a known type cannot be read as is still refused
(``RejectEvent``): it goes to the dead letters with the reason, not into the journal.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters.change_log import append_change
from search.adapters.feed_order import hold_feed_order
from search.adapters.journal import append_to_journal
from search.domain.journal import journal_record
from search.handlers.incidents import project
from ticketing_common.events import CloudEvent


async def on_event(session: AsyncSession, event: CloudEvent[Any]) -> None:
    envelope: dict[str, Any] = event.model_dump(mode="json")
    changes = await project(session, event.type, envelope["data"])
    # Last, just before the consumer commits: the feeds' ids follow commit order.
    await hold_feed_order(session)
    await append_to_journal(
        session,
        journal_record(
            event_id=event.id,
            event_type=event.type,
            source=event.source,
            subject=event.subject,
            time=event.time,
            correlation_id=event.correlationid,
            envelope=envelope,
        ),
    )
    for change in changes:
        await append_change(session, change)
