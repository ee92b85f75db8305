"""``GET /v1/deliveries``: the delivery log, for operations; and resending one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from notification.adapters.delivery_queries import DeliveryFilter, list_deliveries
from notification.adapters.tables import Delivery
from notification.domain.delivery import DeliveryKind, DeliveryStatus
from notification.domain.resend import ResendOutcome
from notification.domain.threads import legacy_message_id
from notification.handlers.resend import resend_delivery
from notification.settings import NotificationSettings
from ticketing_common.auth.principal import OPERATIONS_ROLES, Role
from ticketing_common.reference import Language
from ticketing_common.web.access import Scope, access
from ticketing_common.web.dependencies import ReadSession, Runtime
from ticketing_common.web.paging import Cursor, Limit, Page, decode_cursor, encode_cursor
from ticketing_common.web.problems import Problem, invalid, not_found

router = APIRouter(prefix="/v1", tags=["deliveries"])

# Who may resend: the people who work tickets, not the catalog's administrators.
RESEND_ROLES = frozenset({Role.OPS_AGENT, Role.OPS_SUPERVISOR})
DeliveryId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The delivery's id.")]


class DeliveryOut(BaseModel):
    id: int
    declaration_id: str
    ticket_number: str | None
    kind: DeliveryKind
    recipient: str = Field(description="The recipient's email address.")
    recipient_name: str | None
    language: Language
    subject: str
    status: DeliveryStatus = Field(
        description="pending (not tried yet, or waiting for its organization's hourly "
        "limit: next_attempt_at then lies ahead), sent, retrying (a transient failure; "
        "tried again at next_attempt_at) or failed (refused for good, or out of attempts)."
    )
    attempts: int = Field(description="Attempts to hand it to the mail server, in all.")
    last_error: str | None = Field(
        description="The last failure, kept after a later success for the record."
    )
    next_attempt_at: datetime | None = Field(description="While pending or retrying.")
    created_at: datetime
    sent_at: datetime | None = Field(description="When the mail server last accepted it.")
    ticket_version: int | None = Field(
        description="The ticket's version whose change it reports (none: the acknowledgement)."
    )
    message_id: str = Field(description="Its Message-ID, the same on every attempt and resend.")
    in_reply_to: str | None = Field(
        description="The Message-ID of the recipient's first email about the incident, "
        "which it refers to (In-Reply-To, References); none for that first email."
    )
    resends: int = Field(description="How many times operations resent it.")
    resent_at: datetime | None


def _out(row: Delivery, message_id_domain: str) -> DeliveryOut:
    due = row.status in {DeliveryStatus.PENDING, DeliveryStatus.RETRYING}
    return DeliveryOut(
        id=row.id,
        declaration_id=row.declaration_id,
        ticket_number=row.ticket_number,
        kind=DeliveryKind(row.kind),
        recipient=row.recipient_email,
        recipient_name=row.recipient_name,
        language=Language(row.language),
        subject=row.subject,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at if due else None,
        created_at=row.created_at,
        sent_at=row.sent_at,
        ticket_version=row.ticket_version,
        message_id=row.message_id or legacy_message_id(row.id, message_id_domain),
        in_reply_to=row.in_reply_to,
        resends=row.resends,
        resent_at=row.resent_at,
    )


def _message_id_domain(runtime: Runtime) -> str:
    settings = runtime.settings
    assert isinstance(settings, NotificationSettings)
    return settings.sender.domain


def _before_id(cursor: str | None) -> int | None:
    values = decode_cursor(cursor, 1)
    if values is None:
        return None
    if not isinstance(values[0], int) or isinstance(values[0], bool):
        raise invalid("cursor", "not a cursor of this list", location="query")
    return values[0]


@router.get("/deliveries", **access(OPERATIONS_ROLES, Scope.OPERATIONS))
async def get_deliveries(
    session: ReadSession,
    runtime: Runtime,
    ticket: Annotated[str | None, Query(max_length=20, description="A ticket number.")] = None,
    declaration: Annotated[
        str | None, Query(max_length=100, description="A declaration id.")
    ] = None,
    status: DeliveryStatus | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[DeliveryOut]:
    """Each email, newest first: its recipient, language, status and attempts."""
    rows = await list_deliveries(
        session,
        DeliveryFilter(
            ticket_number=ticket,
            declaration_id=declaration,
            status=status.value if status else None,
        ),
        before_id=_before_id(cursor),
        limit=limit,
    )
    next_cursor = encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    domain = _message_id_domain(runtime)
    return Page[DeliveryOut](
        items=[_out(row, domain) for row in rows[:limit]], next_cursor=next_cursor
    )


@router.post(
    "/deliveries/{delivery_id}/resend",
    status_code=202,
    responses={404: {"description": "No such delivery"}, 409: {"description": "In flight"}},
    **access(RESEND_ROLES, Scope.OPERATIONS),
)
async def resend(delivery_id: DeliveryId, runtime: Runtime) -> DeliveryOut:
    """Send one email again: a new attempt with a fresh budget of attempts and the same
    Message-ID (it is the same email). 409 while it is being handed to the mail server."""
    outcome = await resend_delivery(runtime.session_factory, delivery_id, now=datetime.now(UTC))
    if outcome is ResendOutcome.NOT_FOUND:
        raise not_found("delivery")
    if outcome is ResendOutcome.IN_FLIGHT:
        raise Problem(
            409,
            "the delivery is being handed to the mail server right now; "
            "see its outcome, then resend if need be",
            slug="delivery-in-flight",
        )
    async with runtime.session_factory() as session:
        row = await session.get(Delivery, delivery_id)
    assert row is not None
    return _out(row, _message_id_domain(runtime))
