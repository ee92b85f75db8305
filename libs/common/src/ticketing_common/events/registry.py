"""Which model reads which event type."""

from __future__ import annotations

from typing import Final

from ticketing_common.events.envelope import EventData
from ticketing_common.events.incident_declared import IncidentDeclaredV1
from ticketing_common.events.ticket_updated import TicketUpdatedV1

EVENT_TYPES: Final[dict[str, type[EventData]]] = {
    model.event_type: model for model in (IncidentDeclaredV1, TicketUpdatedV1)
}


def data_model_for(event_type: str) -> type[EventData] | None:
    return EVENT_TYPES.get(event_type)
