"""Events for the shared library's tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from ticketing_common.events import CloudEvent, IncidentDeclaredV1, new_event
from ticketing_common.events.parts import Person, Recipient
from ticketing_common.reference import ImpactedUsers, Language, MainUsage, Nature


def declared_data(**overrides: Any) -> IncidentDeclaredV1:
    values: dict[str, Any] = {
        "declaration_id": str(uuid.uuid4()),
        "org_id": "ORG-1",
        "declared_by": Person(sub="u-1", name="Alice Customer", email="alice@example.com"),
        "declared_at": datetime.now(UTC),
        "contract_id": "CT-1",
        "element_id": "EL-1",
        "nature": Nature.UNAVAILABLE,
        "impacted_users": ImpactedUsers.ONE_SITE,
        "main_usage": MainUsage.PRODUCTION,
        "occurred_at": datetime.now(UTC),
        "customer_reference": "VPN down in Lyon",
        "description": "No user of the Lyon site reaches the VPN.",
        "interlocutor": Recipient(email="alice@example.com", language=Language.FR),
    }
    values.update(overrides)
    return IncidentDeclaredV1(**values)


def declared_event(**overrides: Any) -> CloudEvent[IncidentDeclaredV1]:
    data = declared_data(**overrides)
    return new_event(data, source="/tests", correlation_id=data.declaration_id)
