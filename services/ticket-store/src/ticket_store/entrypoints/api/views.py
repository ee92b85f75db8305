"""What the API shows of a ticket and its history, and to whom.

Customers never see an internal entry (the queries leave them out) and, when
``HIDE_AGENT_NAMES`` is set, read the desk's name instead of an agent's: as the
ticket's assignee and as the author of a history entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel

from ticket_store.adapters.snapshots import snapshot_as
from ticket_store.adapters.tables import HistoryRecord, TicketRecord
from ticket_store.settings import TicketStoreSettings
from ticketing_common.auth.principal import Principal
from ticketing_common.events.parts import ActorKind, Person
from ticketing_common.events.ticket_updated import ChangeKind, TicketSnapshotV1
from ticketing_common.reference import Priority, TicketStatus

# Stands for an agent whose name customers may not read.
HIDDEN_AGENT_SUB = "hidden"


class TicketView(TicketSnapshotV1):
    """The ticket as it now stands; ``version`` is what ``If-Match`` expects."""


class HistoryItem(BaseModel):
    id: int
    version: int
    at: datetime
    kind: ChangeKind
    public: bool
    actor_kind: ActorKind
    # Operations only.
    actor_sub: str | None
    actor_name: str | None
    action: str | None
    from_status: TicketStatus | None
    to_status: TicketStatus | None
    comment: str | None
    reason: str | None
    from_priority: Priority | None
    to_priority: Priority | None
    # On an assignment: the new assignee (null: released).
    assignee: Person | None


class TicketChangedView(BaseModel):
    """The ticket after the change, and the history entry of the change."""

    ticket: TicketView
    change: HistoryItem


@dataclass(frozen=True)
class Audience:
    operations: bool
    hide_agent_names: bool
    agent_display_name: str

    @property
    def masks_agents(self) -> bool:
        return self.hide_agent_names and not self.operations

    @property
    def masked_agent(self) -> Person:
        return Person(sub=HIDDEN_AGENT_SUB, name=self.agent_display_name)


def audience_of(caller: Principal, settings: TicketStoreSettings) -> Audience:
    return Audience(
        operations=caller.is_operations,
        hide_agent_names=settings.hide_agent_names,
        agent_display_name=settings.agent_display_name,
    )


def ticket_view(ticket: TicketRecord, audience: Audience) -> TicketView:
    # Built as the view at once: no snapshot dumped and validated a second time.
    shown = snapshot_as(TicketView, ticket)
    if audience.masks_agents and shown.assignee is not None:
        shown = shown.model_copy(update={"assignee": audience.masked_agent})
    return shown


def history_item(entry: HistoryRecord, audience: Audience) -> HistoryItem:
    by_agent = entry.actor_kind == ActorKind.AGENT.value
    assignee = Person.model_validate(entry.assignee) if entry.assignee else None
    if audience.masks_agents and assignee is not None:
        assignee = audience.masked_agent
    return HistoryItem(
        id=entry.id,
        version=entry.version,
        at=entry.at,
        kind=ChangeKind(entry.kind),
        public=entry.public,
        actor_kind=ActorKind(entry.actor_kind),
        actor_sub=entry.actor_sub if audience.operations else None,
        actor_name=audience.agent_display_name
        if by_agent and audience.masks_agents
        else entry.actor_name,
        action=entry.action,
        from_status=TicketStatus(entry.from_status) if entry.from_status else None,
        to_status=TicketStatus(entry.to_status) if entry.to_status else None,
        comment=entry.comment,
        reason=entry.reason,
        from_priority=Priority(entry.from_priority) if entry.from_priority else None,
        to_priority=Priority(entry.to_priority) if entry.to_priority else None,
        assignee=assignee,
    )
