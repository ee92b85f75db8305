"""Events and settings for notification's tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from notification.settings import NotificationSettings
from ticketing_common.events import CloudEvent, IncidentDeclaredV1, TicketUpdatedV1, new_event
from ticketing_common.events.parts import Actor, ActorKind, Person, Recipient
from ticketing_common.events.ticket_updated import ChangeKind, TicketChangeV1, TicketSnapshotV1
from ticketing_common.reference import (
    ImpactedUsers,
    Language,
    MainUsage,
    Nature,
    Priority,
    TicketStatus,
)

PARIS_WINTER = timezone(timedelta(hours=1))
OCCURRED_AT = datetime(2026, 11, 26, 16, 56, tzinfo=PARIS_WINTER)


def jeanne(**overrides: Any) -> Recipient:
    values: dict[str, Any] = {
        "contact_id": "C-7",
        "name": "Jeanne Martin",
        "email": "jeanne.martin@example.com",
        "language": Language.FR,
    }
    values.update(overrides)
    return Recipient(**values)


def declared_data(**overrides: Any) -> IncidentDeclaredV1:
    values: dict[str, Any] = {
        "declaration_id": str(uuid.uuid4()),
        "org_id": "ORG-1",
        "declared_by": Person(sub="u-1", name="Jeanne Martin", email="jeanne.martin@example.com"),
        "declared_at": datetime.now(UTC),
        "contract_id": "CT-1001",
        "element_id": "EL-FE-1",
        "region": "eu-west-0",
        "nature": Nature.UNAVAILABLE,
        "impacted_users": ImpactedUsers.ONE_SITE,
        "main_usage": MainUsage.PRODUCTION,
        "occurred_at": OCCURRED_AT,
        "customer_reference": "VPN down in Lyon",
        "description": "Since 16:56 no user of the Lyon site reaches the VPN.",
        "interlocutor": jeanne(),
        "notify": [
            Recipient(
                contact_id="C-9", name="Paul Durand", email="paul@example.com", language=Language.FR
            ),
            Recipient(email="noc@example.com", language=Language.EN),
        ],
    }
    values.update(overrides)
    return IncidentDeclaredV1(**values)


def declared(**overrides: Any) -> CloudEvent[IncidentDeclaredV1]:
    data = declared_data(**overrides)
    return new_event(data, source="/tests", correlation_id=data.declaration_id)


SYSTEM = Actor(kind=ActorKind.SYSTEM)
AGENT = Actor(kind=ActorKind.AGENT, sub="agent-1", name="Marc Agent")
# The declaring user of ``declared_data``, acting in the portal.
DECLARER = Actor(kind=ActorKind.CUSTOMER, sub="u-1", name="Jeanne Martin")


def ticket_updated(
    declaration: IncidentDeclaredV1,
    *,
    ticket_number: str = "INC0001234",
    version: int = 1,
    kind: ChangeKind = ChangeKind.CREATED,
    public: bool = True,
    actor: Actor = SYSTEM,
    status: TicketStatus | None = None,
    from_status: TicketStatus | None = None,
    action: str | None = None,
    comment: str | None = None,
    reason: str | None = None,
    at: datetime | None = None,
    **ticket_overrides: Any,
) -> CloudEvent[TicketUpdatedV1]:
    """A ``ticket.updated`` for ``declaration``'s ticket. By default the creation;
    ``status`` is the ticket's status after the change (a change of status when it
    differs from ``from_status``)."""
    now = at or datetime.now(UTC)
    to_status = status or TicketStatus.NEW
    values: dict[str, Any] = {
        "ticket_number": ticket_number,
        "declaration_id": declaration.declaration_id,
        "org_id": declaration.org_id,
        "contract_id": declaration.contract_id,
        "element_id": declaration.element_id,
        "region": declaration.region,
        "nature": declaration.nature,
        "impacted_users": declaration.impacted_users,
        "main_usage": declaration.main_usage,
        "priority": Priority.P2,
        "status": to_status,
        "customer_reference": declaration.customer_reference,
        "description": declaration.description,
        "occurred_at": declaration.occurred_at,
        "declared_by": declaration.declared_by,
        "interlocutor": declaration.interlocutor,
        "notify": declaration.notify,
        "created_at": now,
        "updated_at": now,
        "version": version,
    }
    values.update(ticket_overrides)
    data = TicketUpdatedV1(
        ticket=TicketSnapshotV1(**values),
        version=version,
        change=TicketChangeV1(
            kind=kind,
            actor=actor,
            public=public,
            at=now,
            from_status=from_status,
            to_status=to_status
            if kind in {ChangeKind.CREATED, ChangeKind.STATUS_CHANGED} or from_status
            else None,
            action=action,
            comment=comment,
            reason=reason,
        ),
    )
    return new_event(data, source="/tests", correlation_id=declaration.declaration_id)


def status_change(
    declaration: IncidentDeclaredV1,
    *,
    version: int,
    from_status: TicketStatus,
    to_status: TicketStatus,
    action: str,
    actor: Actor = AGENT,
    **overrides: Any,
) -> CloudEvent[TicketUpdatedV1]:
    return ticket_updated(
        declaration,
        version=version,
        kind=ChangeKind.STATUS_CHANGED,
        actor=actor,
        status=to_status,
        from_status=from_status,
        action=action,
        **overrides,
    )


def comment_added(
    declaration: IncidentDeclaredV1,
    *,
    version: int,
    comment: str,
    public: bool = True,
    actor: Actor = AGENT,
    status: TicketStatus = TicketStatus.IN_PROGRESS,
    **overrides: Any,
) -> CloudEvent[TicketUpdatedV1]:
    return ticket_updated(
        declaration,
        version=version,
        kind=ChangeKind.COMMENT_ADDED,
        public=public,
        actor=actor,
        status=status,
        comment=comment,
        **overrides,
    )


def settings(database_url: str, **overrides: Any) -> NotificationSettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "environment": "test",
        "portal_base_url": "https://portal.example.com",
        "delivery_backoff_base_seconds": 0.05,
        "delivery_backoff_max_seconds": 0.2,
        "delivery_poll_seconds": 0.05,
        "smtp_timeout_seconds": 5.0,
        # The PostgreSQL server is shared with every other suite running at the time.
        "db_pool_size": 3,
        "db_max_overflow": 2,
    }
    values.update(overrides)
    return NotificationSettings(**values)
