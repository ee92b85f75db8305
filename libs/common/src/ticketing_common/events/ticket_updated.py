"""``ticket.updated.v1``: a ticket as it now stands, after one change."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from ticketing_common.events.envelope import EventData
from ticketing_common.events.parts import Actor, OnsiteContact, Person, Recipient
from ticketing_common.reference import (
    ImpactedUsers,
    MainUsage,
    Nature,
    Priority,
    TicketStatus,
)


class ChangeKind(StrEnum):
    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    COMMENT_ADDED = "comment_added"
    ASSIGNED = "assigned"
    PRIORITY_CHANGED = "priority_changed"
    SLA_BREACHED = "sla_breached"


class TicketSlaV1(BaseModel):
    """The ticket's service-level clock, as the customer may read it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    response_due_at: datetime | None = None
    resolution_due_at: datetime | None = None
    responded_at: datetime | None = None
    # While the ticket waits for the customer the clock stands still.
    paused: bool = False
    response_breached: bool = False
    resolution_breached: bool = False


class TicketSnapshotV1(BaseModel):
    """The whole ticket, as consumers may rely on it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    ticket_number: str = Field(max_length=20)
    declaration_id: str = Field(max_length=100)
    org_id: str = Field(max_length=100)
    contract_id: str = Field(max_length=100)
    element_id: str = Field(max_length=100)
    region: str | None = Field(default=None, max_length=100)
    site_id: str | None = Field(default=None, max_length=100)
    nature: Nature
    impacted_users: ImpactedUsers
    main_usage: MainUsage
    priority: Priority
    status: TicketStatus
    customer_reference: str | None = Field(default=None, max_length=200)
    description: str = Field(max_length=10000)
    occurred_at: datetime
    declared_by: Person
    interlocutor: Recipient
    notify: list[Recipient] = Field(default_factory=list)
    onsite_contact: OnsiteContact | None = None
    attachment_ids: list[str] = Field(default_factory=list)
    assignee: Person | None = None
    priority_overridden: bool = False
    sla: TicketSlaV1 | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    version: int = Field(ge=1)


class TicketChangeV1(BaseModel):
    """What one change did. ``public`` says whether customers may see it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: ChangeKind
    actor: Actor
    public: bool
    at: datetime
    from_status: TicketStatus | None = None
    to_status: TicketStatus | None = None
    # The lifecycle action behind the change (acknowledge, start, request_info, resolve,
    # confirm, reopen, cancel, customer_reply, auto_close, take, assign, ...).
    action: str | None = Field(default=None, max_length=50)
    # The comment's body; consumers show it to customers only when ``public``.
    comment: str | None = Field(default=None, max_length=10000)
    # Why (a cancellation, a priority override).
    reason: str | None = Field(default=None, max_length=2000)
    from_priority: Priority | None = None
    to_priority: Priority | None = None


class TicketUpdatedV1(EventData):
    event_type: ClassVar[str] = "ticket.updated.v1"
    routing_key: ClassVar[str] = "ticket.updated"

    ticket: TicketSnapshotV1
    version: int = Field(ge=1)
    change: TicketChangeV1
