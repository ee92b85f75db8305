"""The merge rule of ``domain/incident.py``, as single-statement upserts.

Each event is one ``INSERT ... ON CONFLICT`` so two consumers racing on the same
declaration serialize on its row and neither loses the other's change.
"""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters.tables import Incident
from search.domain.incident import IncidentRecord

# What a newer ticket version replaces. declared_at is not among them: only the
# declaration knows it, and a ticket never erases it.
_TICKET_COLUMNS = tuple(
    column.name
    for column in Incident.__table__.columns
    if column.name not in {"declaration_id", "declared_at"}
)


async def apply_declaration(session: AsyncSession, record: IncidentRecord) -> None:
    """Insert a registering row; on an existing row only fill a missing declared_at."""
    statement = insert(Incident).values(**record.as_row())
    statement = statement.on_conflict_do_update(
        index_elements=[Incident.declaration_id],
        set_={"declared_at": statement.excluded.declared_at},
        where=Incident.declared_at.is_(None),
    )
    await session.execute(statement)


async def apply_ticket(session: AsyncSession, record: IncidentRecord) -> None:
    """Insert or replace the ticket data, if this version is newer than the row's."""
    statement = insert(Incident).values(**record.as_row())
    statement = statement.on_conflict_do_update(
        index_elements=[Incident.declaration_id],
        set_={name: statement.excluded[name] for name in _TICKET_COLUMNS},
        where=Incident.ticket_version < statement.excluded.ticket_version,
    )
    await session.execute(statement)
