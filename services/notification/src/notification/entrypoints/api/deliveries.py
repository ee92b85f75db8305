"""``GET /v1/deliveries``: the delivery log, for operations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from notification.adapters.delivery_queries import DeliveryFilter, list_deliveries
from notification.adapters.tables import Delivery
from notification.domain.delivery import DeliveryKind, DeliveryStatus
from ticketing_common.auth.principal import OPERATIONS_ROLES
from ticketing_common.reference import Language
from ticketing_common.web.access import Scope, access
from ticketing_common.web.dependencies import ReadSession
from ticketing_common.web.paging import Cursor, Limit, Page, decode_cursor, encode_cursor
from ticketing_common.web.problems import invalid

router = APIRouter(prefix="/v1", tags=["deliveries"])


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
        description="pending (not tried yet), sent, retrying (a transient failure; "
        "tried again at next_attempt_at) or failed (refused for good, or out of attempts)."
    )
    attempts: int
    last_error: str | None = Field(
        description="The last failure, kept after a later success for the record."
    )
    next_attempt_at: datetime | None = Field(description="While pending or retrying.")
    created_at: datetime
    sent_at: datetime | None


def _out(row: Delivery) -> DeliveryOut:
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
    )


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
    return Page[DeliveryOut](items=[_out(row) for row in rows[:limit]], next_cursor=next_cursor)
