"""Reading the delivery log for operations, newest first, a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.tables import Delivery


@dataclass(frozen=True)
class DeliveryFilter:
    ticket_number: str | None = None
    declaration_id: str | None = None
    status: str | None = None


async def list_deliveries(
    session: AsyncSession, where: DeliveryFilter, *, before_id: int | None, limit: int
) -> Sequence[Delivery]:
    """Up to ``limit + 1`` deliveries, so the caller can tell whether a page follows."""
    statement = select(Delivery)
    if where.ticket_number is not None:
        statement = statement.where(Delivery.ticket_number == where.ticket_number)
    if where.declaration_id is not None:
        statement = statement.where(Delivery.declaration_id == where.declaration_id)
    if where.status is not None:
        statement = statement.where(Delivery.status == where.status)
    if before_id is not None:
        statement = statement.where(Delivery.id < before_id)
    rows = await session.execute(statement.order_by(Delivery.id.desc()).limit(limit + 1))
    return rows.scalars().all()
