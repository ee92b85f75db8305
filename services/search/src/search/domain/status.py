"""The status an incident shows in the lists."""

from __future__ import annotations

from enum import StrEnum

from ticketing_common.reference import TicketStatus


class IncidentStatus(StrEnum):
    """A ticket's status, or ``registering`` while the declaration has no ticket yet.

    Spelled out rather than derived from ``TicketStatus`` so type checkers see the
    members; a test keeps the two in step.
    """

    REGISTERING = "registering"
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    PENDING_CUSTOMER = "pending_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


def incident_status(ticket_status: TicketStatus) -> IncidentStatus:
    return IncidentStatus(ticket_status.value)


# Still waiting for an outcome: a declaration being registered counts as open too.
OPEN_INCIDENT_STATUSES: frozenset[IncidentStatus] = frozenset(
    {
        IncidentStatus.REGISTERING,
        IncidentStatus.NEW,
        IncidentStatus.ACKNOWLEDGED,
        IncidentStatus.IN_PROGRESS,
        IncidentStatus.PENDING_CUSTOMER,
    }
)
CLOSED_INCIDENT_STATUSES: frozenset[IncidentStatus] = frozenset(IncidentStatus) - (
    OPEN_INCIDENT_STATUSES
)
