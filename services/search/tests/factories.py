"""Events as intake and the ticket store publish them, for search's tests."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from ticketing_common.events import CloudEvent, IncidentDeclaredV1, TicketUpdatedV1, new_event
from ticketing_common.events.incident_declared import DeclaredSiteV1
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

AnyEvent = CloudEvent[Any]

DECLARED_AT = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
# Tests share site ids: each is always described the same, so the map is the same
# whichever test described it last.
LYON = DeclaredSiteV1(name="Lyon Part-Dieu", latitude=45.7606, longitude=4.859)
AGENT = Actor(kind=ActorKind.AGENT, sub="u-ops", name="Sam Agent")
CUSTOMER = Actor(kind=ActorKind.CUSTOMER, sub="u-1", name="Claire Dubois")


def unique(prefix: str) -> str:
    """An id no other test uses, so tests sharing a database never see each other."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def declared_data(**overrides: Any) -> IncidentDeclaredV1:
    values: dict[str, Any] = {
        "declaration_id": str(uuid.uuid4()),
        "org_id": "ORG-1",
        "declared_by": Person(sub="u-1", name="Claire Dubois", email="claire@example.com"),
        "declared_at": DECLARED_AT,
        "contract_id": "CT-1",
        "element_id": "EL-1",
        "region": "eu-west-0",
        "nature": Nature.UNAVAILABLE,
        "impacted_users": ImpactedUsers.ONE_SITE,
        "main_usage": MainUsage.PRODUCTION,
        "occurred_at": DECLARED_AT - timedelta(minutes=5),
        "customer_reference": "VPN down in Lyon",
        "description": "No user of the Lyon site reaches the VPN.",
        "site_id": "SITE-LYON",
        "site": LYON,
        "interlocutor": Recipient(email="claire@example.com", language=Language.FR),
    }
    if "site_id" in overrides and "site" not in overrides:
        values["site"] = site_for(overrides["site_id"])
    values.update(overrides)
    return IncidentDeclaredV1(**values)


def site_for(site_id: str | None) -> DeclaredSiteV1 | None:
    """A site's description as intake would send it, its place derived from its id."""
    if site_id is None:
        return None
    if site_id == "SITE-LYON":
        return LYON
    digest = int(hashlib.sha256(site_id.encode()).hexdigest(), 16)
    return DeclaredSiteV1(
        name=f"Site {site_id}",
        latitude=round(digest % 18000 / 100 - 90, 4),
        longitude=round(digest % 36000 / 100 - 180, 4),
    )


def declared(**overrides: Any) -> CloudEvent[IncidentDeclaredV1]:
    data = declared_data(**overrides)
    return new_event(data, source="/services/intake", correlation_id=data.declaration_id)


def ticket_number_of(declaration_id: str) -> str:
    digest = int(hashlib.sha256(declaration_id.encode()).hexdigest(), 16)
    return f"INC{digest % 10_000_000:07d}"


def ticket_updated(
    declaration: IncidentDeclaredV1,
    *,
    version: int,
    status: TicketStatus = TicketStatus.NEW,
    priority: Priority = Priority.P2,
    updated_at: datetime | None = None,
    event_version: int | None = None,
    public: bool = True,
    kind: ChangeKind | None = None,
    comment: str | None = None,
    reason: str | None = None,
    action: str | None = None,
    actor: Actor = AGENT,
    **snapshot_overrides: Any,
) -> CloudEvent[TicketUpdatedV1]:
    """The ticket.updated of ``version``: the ticket as the declaration made it, with
    the given status and priority, changed ``version`` minutes after the declaration
    (by an agent, publicly, unless told otherwise)."""
    changed_at = updated_at or declaration.declared_at + timedelta(minutes=version)
    snapshot: dict[str, Any] = {
        "ticket_number": ticket_number_of(declaration.declaration_id),
        "declaration_id": declaration.declaration_id,
        "org_id": declaration.org_id,
        "contract_id": declaration.contract_id,
        "element_id": declaration.element_id,
        "region": declaration.region,
        "site_id": declaration.site_id,
        "nature": declaration.nature,
        "impacted_users": declaration.impacted_users,
        "main_usage": declaration.main_usage,
        "priority": priority,
        "status": status,
        "customer_reference": declaration.customer_reference,
        "description": declaration.description,
        "occurred_at": declaration.occurred_at,
        "declared_by": declaration.declared_by,
        "interlocutor": declaration.interlocutor,
        "created_at": declaration.declared_at + timedelta(seconds=30),
        "updated_at": changed_at,
        "version": version,
    }
    snapshot.update(snapshot_overrides)
    data = TicketUpdatedV1(
        ticket=TicketSnapshotV1(**snapshot),
        version=version if event_version is None else event_version,
        change=TicketChangeV1(
            kind=kind or (ChangeKind.CREATED if version == 1 else ChangeKind.STATUS_CHANGED),
            actor=actor,
            public=public,
            at=changed_at,
            to_status=status,
            action=action,
            comment=comment,
            reason=reason,
        ),
    )
    return new_event(
        data,
        source="/services/ticket-store",
        correlation_id=declaration.declaration_id,
        subject=snapshot["ticket_number"],
    )
