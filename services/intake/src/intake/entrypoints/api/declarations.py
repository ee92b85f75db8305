"""``/v1/declarations``: a customer declares an incident; it is registered asynchronously."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Response
from pydantic import BaseModel
from sqlalchemy import select

from intake.adapters.tables import Attachment, Declaration
from intake.domain.declaration import DeclarationRequest, TimeRules
from intake.entrypoints.api.attachments import AttachmentOut
from intake.entrypoints.api.strict_query import refuse_unknown_query_parameters
from intake.handlers.declarations import declare
from intake.settings import IntakeSettings
from ticketing_common.auth.principal import CUSTOMER_ROLES, OPERATIONS_ROLES
from ticketing_common.web.access import CurrentPrincipal, Scope, access
from ticketing_common.web.dependencies import ReadSession, Runtime
from ticketing_common.web.problems import not_found
from ticketing_common.web.query import IDENTIFIER
from ticketing_common.web.rate_limit import rate_limited

router = APIRouter(
    prefix="/v1/declarations",
    tags=["declarations"],
    dependencies=[Depends(refuse_unknown_query_parameters)],
)

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Chosen by the client; the same key and body again give the same answer.",
    ),
]


class DeclarationAccepted(BaseModel):
    declaration_id: str
    status: Literal["accepted"]


class DeclarationView(BaseModel):
    declaration_id: str
    status: Literal["accepted", "registered"]
    ticket_number: str | None
    accepted_at: datetime
    registered_at: datetime | None
    declaration: dict[str, Any]
    # The files named by the declaration; download each at /v1/attachments/{id}.
    attachments: list[AttachmentOut]


@router.post(
    "",
    status_code=202,
    **access(CUSTOMER_ROLES, Scope.PERIMETER),
    responses={
        409: {"description": "The key was used with another body"},
        429: {"description": "Too many declarations: retry after Retry-After seconds"},
    },
)
async def post_declaration(
    body: DeclarationRequest,
    idempotency_key: IdempotencyKey,
    caller: CurrentPrincipal,
    runtime: Runtime,
    response: Response,
    _rate: Annotated[None, rate_limited("declarations")],
) -> DeclarationAccepted:
    settings = runtime.settings
    assert isinstance(settings, IntakeSettings)
    rules = TimeRules(
        skew=timedelta(minutes=settings.occurred_at_skew_minutes),
        max_age=timedelta(days=settings.occurred_at_max_age_days),
    )
    accepted = await declare(
        runtime.autocommit_session_factory,
        caller,
        idempotency_key,
        body,
        now=datetime.now(UTC),
        time_rules=rules,
    )
    response.headers["Location"] = f"/v1/declarations/{accepted.declaration_id}"
    return DeclarationAccepted.model_validate(accepted.body)


@router.get("/{declaration_id}", **access(CUSTOMER_ROLES | OPERATIONS_ROLES, Scope.PERIMETER))
async def get_declaration(
    declaration_id: Annotated[str, Path(max_length=100, pattern=IDENTIFIER)],
    caller: CurrentPrincipal,
    session: ReadSession,
) -> DeclarationView:
    found = await session.get(Declaration, declaration_id)
    if found is None or not caller.may_see_incident(found.org_id, found.contract_id):
        raise not_found("declaration")
    named = list(found.accepted.get("attachment_ids", []))
    linked = (
        await session.execute(select(Attachment).where(Attachment.declaration_id == found.id))
    ).scalars()
    # In the order the declaration named them.
    attachments = sorted(linked, key=lambda row: named.index(row.id) if row.id in named else 0)
    return DeclarationView(
        declaration_id=found.id,
        status="registered" if found.ticket_number else "accepted",
        ticket_number=found.ticket_number,
        accepted_at=found.created_at,
        registered_at=found.registered_at,
        declaration=found.accepted,
        attachments=[
            AttachmentOut(
                id=row.id,
                filename=row.filename,
                size=row.size,
                content_type=row.content_type,
                sha256=row.sha256,
            )
            for row in attachments
        ],
    )
