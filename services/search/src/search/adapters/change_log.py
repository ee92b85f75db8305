"""The change log behind ``/v1/incidents/stream``: appended in the handler's
transaction (``adapters/feeds.py``), read in id order, purged after its retention."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters.tables import FeedHorizon, IncidentChange

FEED = "incident_changes"
CHANNEL = "search_incident_changes"


_COLUMNS = (
    IncidentChange.id,
    IncidentChange.kind,
    IncidentChange.public,
    IncidentChange.org_id,
    IncidentChange.contract_id,
    IncidentChange.incident,
    IncidentChange.change,
)


async def changes_after(
    session: AsyncSession,
    after: int,
    *,
    limit: int,
    until: int | None = None,
    org_id: str | None = None,
) -> list[dict[str, Any]]:
    """Changes with ``after < id <= until``, in id order; ``org_id`` narrows them to an
    organization's and the list-wide ones (a rebuild)."""
    statement = select(*_COLUMNS).where(IncidentChange.id > after)
    if until is not None:
        statement = statement.where(IncidentChange.id <= until)
    if org_id is not None:
        statement = statement.where(
            or_(IncidentChange.org_id == org_id, IncidentChange.org_id.is_(None))
        )
    statement = statement.order_by(IncidentChange.id).limit(limit)
    rows = await session.execute(statement)
    return [dict(row) for row in rows.mappings()]


async def last_change_id(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.coalesce(func.max(IncidentChange.id), 0))) or 0)


async def purged_through(session: AsyncSession) -> int:
    value = await session.scalar(select(FeedHorizon.purged_through).where(FeedHorizon.feed == FEED))
    return int(value or 0)


async def purge_changes(session: AsyncSession, recorded_before: datetime) -> int:
    """Remove changes recorded before the given time; a client resuming from one of
    them is told to reload. Returns how many were removed."""
    gone = (
        delete(IncidentChange)
        .where(IncidentChange.recorded_at < recorded_before)
        .returning(IncidentChange.id)
        .cte("gone")
    )
    counted = await session.execute(select(func.count(), func.max(gone.c.id)))
    removed, last = counted.one()
    if removed:
        statement = insert(FeedHorizon).values(feed=FEED, purged_through=last)
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[FeedHorizon.feed],
                set_={
                    "purged_through": func.greatest(
                        FeedHorizon.purged_through, statement.excluded.purged_through
                    )
                },
            )
        )
    return int(removed)
