"""What each consumed event says about an incident, its site and its change, before it
is merged with what search holds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from search.domain.changes import ChangeKind, ChangeRecord
from search.domain.incident import NO_TICKET_VERSION, IncidentRecord
from search.domain.status import IncidentStatus, incident_status
from ticketing_common.events import IncidentDeclaredV1, TicketUpdatedV1


def record_from_declaration(data: IncidentDeclaredV1) -> IncidentRecord:
    return IncidentRecord(
        declaration_id=data.declaration_id,
        org_id=data.org_id,
        ticket_number=None,
        customer_reference=data.customer_reference,
        description=data.description,
        status=IncidentStatus.REGISTERING,
        priority=None,
        contract_id=data.contract_id,
        element_id=data.element_id,
        site_id=data.site_id,
        region=data.region,
        nature=data.nature,
        impacted_users=data.impacted_users,
        main_usage=data.main_usage,
        occurred_at=data.occurred_at,
        declared_at=data.declared_at,
        updated_at=data.declared_at,
        ticket_version=NO_TICKET_VERSION,
    )


def customer_visible_time(data: TicketUpdatedV1) -> datetime:
    """When this version changed the incident as a customer may know it: the change's
    time if it is public; otherwise only the ticket's creation, which they know of."""
    return data.ticket.updated_at if data.change.public else data.ticket.created_at


def record_from_ticket(data: TicketUpdatedV1) -> IncidentRecord:
    ticket = data.ticket
    return IncidentRecord(
        declaration_id=ticket.declaration_id,
        org_id=ticket.org_id,
        ticket_number=ticket.ticket_number,
        customer_reference=ticket.customer_reference,
        description=ticket.description,
        status=incident_status(ticket.status),
        priority=ticket.priority,
        contract_id=ticket.contract_id,
        element_id=ticket.element_id,
        site_id=ticket.site_id,
        region=ticket.region,
        nature=ticket.nature,
        impacted_users=ticket.impacted_users,
        main_usage=ticket.main_usage,
        occurred_at=ticket.occurred_at,
        # The ticket does not carry the declaration's time; incident.declared fills it.
        declared_at=None,
        updated_at=customer_visible_time(data),
        ticket_version=data.version,
        priority_overridden=ticket.priority_overridden,
        assignee_sub=ticket.assignee.sub if ticket.assignee else None,
        assignee_name=ticket.assignee.name if ticket.assignee else None,
        sla=ticket.sla.model_dump(mode="json") if ticket.sla else None,
        resolved_at=ticket.resolved_at,
        closed_at=ticket.closed_at,
    )


@dataclass(frozen=True)
class SiteRecord:
    site_id: str
    org_id: str
    name: str
    latitude: float
    longitude: float
    described_at: datetime
    described_by: str

    @property
    def order(self) -> tuple[datetime, str]:
        return (self.described_at, self.described_by)


def site_from_declaration(data: IncidentDeclaredV1) -> SiteRecord | None:
    if data.site_id is None or data.site is None:
        return None
    return SiteRecord(
        site_id=data.site_id,
        org_id=data.org_id,
        name=data.site.name,
        latitude=data.site.latitude,
        longitude=data.site.longitude,
        described_at=data.declared_at,
        described_by=data.declaration_id,
    )


def merge_site(current: SiteRecord | None, incoming: SiteRecord) -> SiteRecord:
    """The latest description wins (ties broken by the declaration id): any order ends
    the same."""
    if current is None or incoming.order > current.order:
        return incoming
    return current


def change_from_declaration(data: IncidentDeclaredV1) -> ChangeRecord:
    return ChangeRecord(
        kind=ChangeKind.DECLARED.value,
        public=True,
        at=data.declared_at,
        actor_kind="customer",
        actor_sub=data.declared_by.sub,
        actor_name=data.declared_by.name,
        to_status=IncidentStatus.REGISTERING.value,
    )


def change_from_ticket(data: TicketUpdatedV1) -> ChangeRecord:
    change = data.change
    return ChangeRecord(
        kind=change.kind.value,
        public=change.public,
        at=change.at,
        actor_kind=change.actor.kind.value,
        actor_sub=change.actor.sub,
        actor_name=change.actor.name,
        action=change.action,
        from_status=change.from_status.value if change.from_status else None,
        to_status=change.to_status.value if change.to_status else None,
        from_priority=change.from_priority.value if change.from_priority else None,
        to_priority=change.to_priority.value if change.to_priority else None,
        comment=change.comment,
        reason=change.reason,
    )


@dataclass(frozen=True)
class Projection:
    """What one event says of the list: its incident as the event sees it, the change to
    log if that alters the row, and the site it describes, if any."""

    record: IncidentRecord
    change: ChangeRecord
    site: SiteRecord | None = None


def projection_of_declaration(data: IncidentDeclaredV1) -> Projection:
    return Projection(
        record_from_declaration(data),
        change_from_declaration(data),
        site_from_declaration(data),
    )


def projection_of_ticket(data: TicketUpdatedV1) -> Projection:
    return Projection(record_from_ticket(data), change_from_ticket(data))


def latest_sites(sites: Iterable[SiteRecord]) -> list[SiteRecord]:
    """Each site's latest description among ``sites``: one per site, as one upsert
    takes them."""
    latest: dict[str, SiteRecord] = {}
    for site in sites:
        latest[site.site_id] = merge_site(latest.get(site.site_id), site)
    return list(latest.values())
