"""Event contracts: the CloudEvents envelope and the versioned event models."""

from ticketing_common.events.envelope import CloudEvent, EventData, new_event
from ticketing_common.events.incident_declared import IncidentDeclaredV1
from ticketing_common.events.registry import EVENT_TYPES, data_model_for
from ticketing_common.events.ticket_updated import TicketUpdatedV1

__all__ = [
    "EVENT_TYPES",
    "CloudEvent",
    "EventData",
    "IncidentDeclaredV1",
    "TicketUpdatedV1",
    "data_model_for",
    "new_event",
]
