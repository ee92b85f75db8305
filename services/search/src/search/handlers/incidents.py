"""What incident.declared and ticket.updated do to the incident list and its sites.

Called by ``handlers/events.py`` inside the transaction that records the events in the
inbox; they only write, and never commit. A batch's events are read first (a payload
that can never be applied is refused before anything is written), then applied in as
few statements as their incidents allow (``domain/waves.py``). The changes to log for
the live stream come back in the events' order: none for an event that changed
nothing (a duplicate, a stale version).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters.incident_writes import apply_incident_wave
from search.domain.changes import ChangeEntry, ChangeRecord
from search.domain.projection import (
    Projection,
    latest_sites,
    projection_of_declaration,
    projection_of_ticket,
)
from search.domain.waves import waves
from ticketing_common.events import EventData, IncidentDeclaredV1, TicketUpdatedV1
from ticketing_common.messaging.consumer import RejectEvent

DataT = TypeVar("DataT", bound=EventData)


def read_data(model: type[DataT], data: dict[str, Any]) -> DataT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        detail = str(exc).replace("\n", " ")[:1000]
        raise RejectEvent(f"invalid data for {model.event_type}: {detail}") from exc


def _ticket_projection(data: TicketUpdatedV1) -> Projection:
    if data.version != data.ticket.version:
        # Which version would we keep? Neither is safe: leave it to the dead letters.
        raise RejectEvent(
            f"event version {data.version} differs from the ticket's {data.ticket.version}"
        )
    return projection_of_ticket(data)


def projection_of(event_type: str, data: dict[str, Any]) -> Projection | None:
    """What an event of a type the list is made from says of it; None for other types.
    Raises ``RejectEvent`` for data its type cannot be read as."""
    if event_type == IncidentDeclaredV1.event_type:
        return projection_of_declaration(read_data(IncidentDeclaredV1, data))
    if event_type == TicketUpdatedV1.event_type:
        return _ticket_projection(read_data(TicketUpdatedV1, data))
    return None


def _entry(row: dict[str, Any], change: ChangeRecord) -> ChangeEntry:
    return ChangeEntry(
        declaration_id=row["declaration_id"],
        org_id=row["org_id"],
        contract_id=row["contract_id"],
        public=change.public,
        kind=change.kind,
        incident=to_jsonable_python(row),
        change=change.as_json(),
    )


async def apply_projections(
    session: AsyncSession, projections: Sequence[Projection]
) -> list[ChangeEntry]:
    """Apply ``projections`` in their order, as if one by one; the changes to log, in
    that order."""
    records = [projection.record for projection in projections]
    sites = latest_sites(projection.site for projection in projections if projection.site)
    rows: list[dict[str, Any] | None] = [None] * len(records)
    for number, wave in enumerate(waves([record.declaration_id for record in records])):
        changed = await apply_incident_wave(
            session, [records[index] for index in wave], sites if number == 0 else ()
        )
        for index in wave:
            rows[index] = changed.get(records[index].declaration_id)
    return [
        _entry(row, projection.change)
        for row, projection in zip(rows, projections, strict=True)
        if row is not None
    ]
