"""Accepting a declaration: idempotency, the rules, the row and its event, in one
transaction."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from intake.adapters.catalog_view import load_catalog_view
from intake.adapters.tables import Declaration, IdempotencyKey, Site
from intake.domain.declaration import (
    DeclarationRequest,
    TimeRules,
    check_declaration,
    onsite_contact,
    resolve_recipients,
)
from intake.handlers.attachment_links import link_attachments
from ticketing_common.auth.principal import Principal
from ticketing_common.db.unit_of_work import UnitOfWork
from ticketing_common.events import CloudEvent, IncidentDeclaredV1, TicketUpdatedV1, new_event
from ticketing_common.events.incident_declared import DeclaredSiteV1
from ticketing_common.events.parts import Person
from ticketing_common.web.problems import Problem, invalid_fields

SOURCE = "/services/intake"


@dataclass(frozen=True)
class Accepted:
    declaration_id: str
    body: dict[str, Any]


async def declare(
    uow: UnitOfWork,
    caller: Principal,
    idempotency_key: str,
    request: DeclarationRequest,
    *,
    now: datetime,
    time_rules: TimeRules,
) -> Accepted:
    session = uow.session
    fingerprint = request.fingerprint()
    declaration_id = str(uuid.uuid4())
    body = {"declaration_id": declaration_id, "status": "accepted"}
    # The key is claimed with its answer already written: if the rules refuse the
    # request, the transaction rolls back and the claim with it; if they accept it, the
    # claim commits with the declaration. One statement instead of an insert and an update.
    claimed = await session.execute(
        insert(IdempotencyKey)
        .values(
            user_sub=caller.sub,
            key=idempotency_key,
            request_hash=fingerprint,
            status_code=202,
            response=body,
            declaration_id=declaration_id,
        )
        .on_conflict_do_nothing()
        .returning(IdempotencyKey.key)
    )
    if claimed.scalar_one_or_none() is None:
        # The key was used before (a racing twin has committed by now): replay its answer.
        return await _replay(session, caller, idempotency_key, fingerprint)

    catalog = await load_catalog_view(session, request)
    errors = check_declaration(request, caller, catalog, now=now, time_rules=time_rules)
    if errors:
        raise invalid_fields(errors)
    assert catalog.contract is not None
    recipients = resolve_recipients(request, caller, catalog)
    data = IncidentDeclaredV1(
        declaration_id=declaration_id,
        org_id=catalog.contract.org_id,
        declared_by=Person(sub=caller.sub, name=caller.name, email=caller.email),
        declared_at=now,
        contract_id=request.contract_id,
        element_id=request.element_id,
        region=request.region,
        nature=request.nature,
        impacted_users=request.impacted_users,
        main_usage=request.main_usage,
        occurred_at=request.occurred_at,
        customer_reference=request.customer_reference,
        description=request.description,
        attachment_ids=request.distinct_attachment_ids(),
        site_id=request.site_id,
        site=await _declared_site(session, request.site_id),
        onsite_contact=onsite_contact(request),
        interlocutor=recipients.interlocutor,
        notify=list(recipients.notify),
    )
    session.add(
        Declaration(
            id=declaration_id,
            org_id=data.org_id,
            contract_id=data.contract_id,
            declared_by_sub=caller.sub,
            accepted=data.model_dump(mode="json"),
            created_at=now,
        )
    )
    await link_attachments(
        session,
        declaration_id=declaration_id,
        org_id=data.org_id,
        requested=list(request.attachment_ids),
        now=now,
    )
    await uow.emit(
        new_event(data, source=SOURCE, correlation_id=declaration_id, subject=declaration_id)
    )
    await uow.commit()
    return Accepted(declaration_id, body)


async def _declared_site(session: AsyncSession, site_id: str | None) -> DeclaredSiteV1 | None:
    """The site's name and coordinates, carried by the event so search can draw its map
    without asking intake. ``session.get`` finds the site the rules already loaded."""
    site = await session.get(Site, site_id) if site_id else None
    if site is None:
        return None
    return DeclaredSiteV1(name=site.name, latitude=site.latitude, longitude=site.longitude)


async def _replay(
    session: AsyncSession, caller: Principal, idempotency_key: str, fingerprint: str
) -> Accepted:
    row = (
        await session.execute(
            select(IdempotencyKey).where(
                IdempotencyKey.user_sub == caller.sub, IdempotencyKey.key == idempotency_key
            )
        )
    ).scalar_one()
    if row.request_hash != fingerprint:
        raise Problem(
            409,
            "this Idempotency-Key was already used with another body",
            slug="idempotency-key-reused",
        )
    assert row.declaration_id is not None
    assert row.response is not None
    return Accepted(row.declaration_id, dict(row.response))


async def record_ticket_number(session: AsyncSession, event: CloudEvent[Any]) -> None:
    """On ``ticket.updated``: remember the ticket number of the declaration."""
    data: TicketUpdatedV1 = event.data
    await session.execute(
        update(Declaration)
        .where(
            Declaration.id == data.ticket.declaration_id,
            Declaration.ticket_number.is_(None),
        )
        .values(ticket_number=data.ticket.ticket_number, registered_at=data.ticket.created_at)
    )
