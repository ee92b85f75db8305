"""Accepting a declaration: idempotency, the rules, the row and its event.

Two round trips to PostgreSQL when it is accepted, one when it is refused or replayed:
a read (the key's earlier answer and the catalog objects named), the pure rules, then
one statement writing the key's answer, the declaration, its files' links and its
event together (``adapters.declaration_writing``); a third, rare, when that write finds
the key taken by a racing twin or a file lost meanwhile. Each statement commits on its
own (the runtime's autocommit sessions), so no BEGIN or COMMIT is sent and no
transaction stays open while the rules run; the write, being one statement, is all or
nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from intake.adapters.declaration_reading import DeclarationReading, read_for_declaration
from intake.adapters.declaration_writing import write_accepted_declaration
from intake.adapters.idempotency_keys import EarlierAnswer, read_earlier_answer
from intake.domain.declaration import (
    DeclarationRequest,
    TimeRules,
    check_declaration,
    onsite_contact,
    resolve_recipients,
)
from intake.handlers.attachment_links import lost_attachments
from ticketing_common.auth.principal import Principal
from ticketing_common.db.engine import SessionFactory, retry_once_if_connection_lost
from ticketing_common.events import CloudEvent, IncidentDeclaredV1, new_event
from ticketing_common.events.parts import Person
from ticketing_common.web.problems import Problem, invalid_fields

SOURCE = "/services/intake"


@dataclass(frozen=True)
class Accepted:
    declaration_id: str
    body: dict[str, Any]


async def declare(
    sessions: SessionFactory,
    caller: Principal,
    idempotency_key: str,
    request: DeclarationRequest,
    *,
    now: datetime,
    time_rules: TimeRules,
) -> Accepted:
    fingerprint = request.fingerprint()

    async def attempt() -> Accepted:
        async with sessions() as session:
            return await _declare(
                session, caller, idempotency_key, request, fingerprint, now, time_rules
            )

    # A run that wrote and then lost its connection is answered by the next one's
    # read: the key is found with this request's hash, and replayed.
    return await retry_once_if_connection_lost(attempt)


async def _declare(
    session: AsyncSession,
    caller: Principal,
    idempotency_key: str,
    request: DeclarationRequest,
    fingerprint: str,
    now: datetime,
    time_rules: TimeRules,
) -> Accepted:
    reading = await read_for_declaration(session, caller.sub, idempotency_key, request)
    if reading.earlier is not None:
        return _replay(reading.earlier, fingerprint)
    errors = check_declaration(request, caller, reading.catalog, now=now, time_rules=time_rules)
    if errors:
        raise invalid_fields(errors)
    event = _declared_event(caller, request, reading, now)
    written = await write_accepted_declaration(
        session,
        event,
        user_sub=caller.sub,
        key=idempotency_key,
        request_hash=fingerprint,
        attachment_ids=request.distinct_attachment_ids(),
    )
    if written.claimed:
        declaration_id = event.data.declaration_id
        return Accepted(declaration_id, {"declaration_id": declaration_id, "status": "accepted"})
    # Nothing was written: the key was used meanwhile (a racing twin, committed by now,
    # whose answer this request gets), or a named file was lost.
    earlier = await read_earlier_answer(session, caller.sub, idempotency_key)
    if earlier is not None:
        return _replay(earlier, fingerprint)
    refusal = lost_attachments(request.attachment_ids, written.free_attachments)
    if refusal is None:
        raise RuntimeError("the declaration was not written, yet its key and files were free")
    raise refusal


def _declared_event(
    caller: Principal, request: DeclarationRequest, reading: DeclarationReading, now: datetime
) -> CloudEvent[IncidentDeclaredV1]:
    catalog = reading.catalog
    assert catalog.contract is not None
    recipients = resolve_recipients(request, caller, catalog)
    declaration_id = str(uuid.uuid4())
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
        # Carried by the event so search can draw its map without asking intake.
        site=reading.site,
        onsite_contact=onsite_contact(request),
        interlocutor=recipients.interlocutor,
        notify=list(recipients.notify),
    )
    return new_event(data, source=SOURCE, correlation_id=declaration_id, subject=declaration_id)


def _replay(earlier: EarlierAnswer, fingerprint: str) -> Accepted:
    if earlier.request_hash != fingerprint:
        raise Problem(
            409,
            "this Idempotency-Key was already used with another body",
            slug="idempotency-key-reused",
        )
    return Accepted(earlier.declaration_id, dict(earlier.response))
