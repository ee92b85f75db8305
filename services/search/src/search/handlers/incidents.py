"""What incident.declared and ticket.updated do to the incident list and its sites.

Called by ``handlers/events.py`` inside the transaction that records the event in the
inbox; they only write, and never commit. Each returns the changes to log for the live
stream: none when the event changed nothing (a duplicate, a stale version).
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import ValidationError
from pydantic_core import to_jsonable_python
from sqlalchemy.ext.asyncio import AsyncSession

from search.adapters.incident_writes import apply_incident, apply_sites
from search.domain.changes import ChangeEntry, ChangeRecord
from search.domain.projection import (
    change_from_declaration,
    change_from_ticket,
    record_from_declaration,
    record_from_ticket,
    site_from_declaration,
)
from ticketing_common.events import EventData, IncidentDeclaredV1, TicketUpdatedV1
from ticketing_common.messaging.consumer import RejectEvent

DataT = TypeVar("DataT", bound=EventData)


def read_data(model: type[DataT], data: dict[str, Any]) -> DataT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        detail = str(exc).replace("\n", " ")[:1000]
        raise RejectEvent(f"invalid data for {model.event_type}: {detail}") from exc


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


async def on_incident_declared(
    session: AsyncSession, data: IncidentDeclaredV1
) -> list[ChangeEntry]:
    row = await apply_incident(session, record_from_declaration(data))
    site = site_from_declaration(data)
    if site is not None:
        await apply_sites(session, [site])
    return [_entry(row, change_from_declaration(data))] if row is not None else []


async def on_ticket_updated(session: AsyncSession, data: TicketUpdatedV1) -> list[ChangeEntry]:
    if data.version != data.ticket.version:
        # Which version would we keep? Neither is safe: leave it to the dead letters.
        raise RejectEvent(
            f"event version {data.version} differs from the ticket's {data.ticket.version}"
        )
    row = await apply_incident(session, record_from_ticket(data))
    return [_entry(row, change_from_ticket(data))] if row is not None else []


async def project(
    session: AsyncSession, event_type: str, data: dict[str, Any]
) -> list[ChangeEntry]:
    """Apply an event of a type the list is made from; other types change nothing."""
    if event_type == IncidentDeclaredV1.event_type:
        return await on_incident_declared(session, read_data(IncidentDeclaredV1, data))
    if event_type == TicketUpdatedV1.event_type:
        return await on_ticket_updated(session, read_data(TicketUpdatedV1, data))
    return []
