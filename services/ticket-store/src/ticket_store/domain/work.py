"""The part of a ticket that is worked on, and what one change to it records.

A command takes the ticket as it stands (``TicketWork``) and returns an ``Outcome``: the
ticket after the change, one version later, and the ``Change`` the history and the
``ticket.updated`` event report. Nothing here reads or writes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ticket_store.domain.actors import Actor
from ticket_store.domain.sla import SlaClock
from ticketing_common.events.parts import Person
from ticketing_common.events.ticket_updated import ChangeKind
from ticketing_common.reference import Priority, TicketStatus


@dataclass(frozen=True)
class TicketWork:
    status: TicketStatus
    priority: Priority
    # What impact × urgency give; the priority differs from it only when overridden.
    derived_priority: Priority
    assignee: Person | None
    sla: SlaClock
    resolved_at: datetime | None
    closed_at: datetime | None
    version: int
    updated_at: datetime

    @property
    def priority_overridden(self) -> bool:
        return self.priority != self.derived_priority


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    actor: Actor
    # Whether customers may see it (in the history, in what consumers show them).
    public: bool
    at: datetime
    action: str | None = None
    from_status: TicketStatus | None = None
    to_status: TicketStatus | None = None
    comment: str | None = None
    reason: str | None = None
    from_priority: Priority | None = None
    to_priority: Priority | None = None
    # The new assignee, on an assignment (None: unassigned).
    assignee: Person | None = None


@dataclass(frozen=True)
class Outcome:
    work: TicketWork
    change: Change


def next_version(work: TicketWork, at: datetime, **changes: Any) -> TicketWork:
    """The ticket one change later: ``changes`` applied, version + 1, updated at ``at``."""
    return replace(work, version=work.version + 1, updated_at=at, **changes)
