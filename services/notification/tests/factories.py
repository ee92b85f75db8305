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


def ticket_updated(
    declaration: IncidentDeclaredV1, *, ticket_number: str = "INC0001234", version: int = 1
) -> CloudEvent[TicketUpdatedV1]:
    now = datetime.now(UTC)
    snapshot = TicketSnapshotV1(
        ticket_number=ticket_number,
        declaration_id=declaration.declaration_id,
        org_id=declaration.org_id,
        contract_id=declaration.contract_id,
        element_id=declaration.element_id,
        region=declaration.region,
        nature=declaration.nature,
        impacted_users=declaration.impacted_users,
        main_usage=declaration.main_usage,
        priority=Priority.P2,
        status=TicketStatus.NEW,
        customer_reference=declaration.customer_reference,
        description=declaration.description,
        occurred_at=declaration.occurred_at,
        declared_by=declaration.declared_by,
        interlocutor=declaration.interlocutor,
        notify=declaration.notify,
        created_at=now,
        updated_at=now,
        version=version,
    )
    data = TicketUpdatedV1(
        ticket=snapshot,
        version=version,
        change=TicketChangeV1(
            kind=ChangeKind.CREATED,
            actor=Actor(kind=ActorKind.SYSTEM),
            public=True,
            at=now,
            to_status=TicketStatus.NEW,
        ),
    )
    return new_event(data, source="/tests", correlation_id=declaration.declaration_id)


def settings(database_url: str, **overrides: Any) -> NotificationSettings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "environment": "test",
        "portal_base_url": "https://portal.example.com",
        "delivery_backoff_base_seconds": 0.05,
        "delivery_backoff_max_seconds": 0.2,
        "delivery_poll_seconds": 0.05,
        "smtp_timeout_seconds": 5.0,
    }
    values.update(overrides)
    return NotificationSettings(**values)
