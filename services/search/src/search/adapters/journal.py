"""The event journal: appended in the consumer's transaction (``adapters/feeds.py``),
listed and tailed by operations, read back in order by the rebuild."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters.tables import JournalEntry
from search.domain.journal_filters import JournalFilters

CHANNEL = "search_event_journal"

_COLUMNS = (
    JournalEntry.seq,
    JournalEntry.event_id,
    JournalEntry.type,
    JournalEntry.source,
    JournalEntry.subject,
    JournalEntry.time,
    JournalEntry.correlation_id,
    JournalEntry.org_id,
    JournalEntry.ticket_number,
    JournalEntry.received_at,
    JournalEntry.envelope,
)


async def correlations_of_ticket(session: AsyncSession, ticket_number: str) -> list[str]:
    """The correlation ids of the events naming a ticket: its declaration's, which every
    event of its story carries (the incident.declared before the ticket existed too).
    Read first, then given as values: a subquery here makes PostgreSQL walk the whole
    journal in order, filtering, at a few million entries."""
    rows = await session.scalars(
        select(JournalEntry.correlation_id)
        .where(JournalEntry.ticket_number == ticket_number)
        .distinct()
    )
    return sorted(rows.all())


def _matching(
    filters: JournalFilters, ticket_correlations: list[str] | None
) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if filters.ticket_number is not None:
        conditions.append(JournalEntry.correlation_id.in_(ticket_correlations or []))
    if filters.types:
        conditions.append(JournalEntry.type.in_(sorted(filters.types)))
    if filters.correlation_id is not None:
        conditions.append(JournalEntry.correlation_id == filters.correlation_id)
    if filters.org_id is not None:
        conditions.append(JournalEntry.org_id == filters.org_id)
    if filters.time_after is not None:
        conditions.append(JournalEntry.time >= filters.time_after)
    if filters.time_before is not None:
        conditions.append(JournalEntry.time < filters.time_before)
    return and_(true(), *conditions)


def journal_statement(
    filters: JournalFilters,
    *,
    after_seq: int | None,
    limit: int,
    ticket_correlations: list[str] | None = None,
) -> Select[Any]:
    """Up to ``limit + 1`` entries in the journal's order (or newest first), after the
    cursor's position: the extra one says a page follows. ``ticket_correlations``:
    ``correlations_of_ticket`` of the ticket filter."""
    statement = select(*_COLUMNS).where(_matching(filters, ticket_correlations))
    if filters.newest_first:
        if after_seq is not None:
            statement = statement.where(JournalEntry.seq < after_seq)
        statement = statement.order_by(JournalEntry.seq.desc())
    else:
        if after_seq is not None:
            statement = statement.where(JournalEntry.seq > after_seq)
        statement = statement.order_by(JournalEntry.seq)
    return statement.limit(limit + 1)


async def list_journal(
    session: AsyncSession, filters: JournalFilters, *, after_seq: int | None, limit: int
) -> list[dict[str, Any]]:
    correlations = (
        await correlations_of_ticket(session, filters.ticket_number)
        if filters.ticket_number is not None
        else None
    )
    statement = journal_statement(
        filters, after_seq=after_seq, limit=limit, ticket_correlations=correlations
    )
    rows = await session.execute(statement)
    return [dict(row) for row in rows.mappings()]


async def journal_after(
    session: AsyncSession,
    after: int,
    *,
    limit: int,
    until: int | None = None,
    org_id: str | None = None,
) -> list[dict[str, Any]]:
    """Entries with ``after < seq <= until`` in order: the live tail and its replay."""
    statement = select(*_COLUMNS).where(JournalEntry.seq > after)
    if until is not None:
        statement = statement.where(JournalEntry.seq <= until)
    if org_id is not None:
        statement = statement.where(JournalEntry.org_id == org_id)
    rows = await session.execute(statement.order_by(JournalEntry.seq).limit(limit))
    return [dict(row) for row in rows.mappings()]


async def last_journal_seq(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.coalesce(func.max(JournalEntry.seq), 0))) or 0)
