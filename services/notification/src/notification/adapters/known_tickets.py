"""What notification knows of each declaration's ticket: its number, its version, and
its latest public comment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.tables import Delivery, Ticket


@dataclass(frozen=True)
class KnownComment:
    body: str
    at: datetime
    author_kind: str
    author_name: str | None
    version: int


async def ticket_number_of(session: AsyncSession, declaration_id: str) -> str | None:
    found: str | None = await session.scalar(
        select(Ticket.ticket_number).where(Ticket.declaration_id == declaration_id)
    )
    return found


async def record_ticket(
    session: AsyncSession, *, declaration_id: str, ticket_number: str, version: int
) -> None:
    """Remember the ticket (a newer version replaces an older one, never the reverse),
    and name it on the declaration's deliveries that do not name it yet."""
    statement = insert(Ticket).values(
        declaration_id=declaration_id, ticket_number=ticket_number, version=version
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[Ticket.declaration_id],
            set_={
                "ticket_number": statement.excluded.ticket_number,
                "version": statement.excluded.version,
                "updated_at": func.now(),
            },
            where=Ticket.version < statement.excluded.version,
        )
    )
    await session.execute(
        update(Delivery)
        .where(Delivery.declaration_id == declaration_id, Delivery.ticket_number.is_(None))
        .values(ticket_number=ticket_number)
    )


async def record_public_comment(
    session: AsyncSession, *, declaration_id: str, comment: KnownComment
) -> None:
    """Keep ``comment`` as the latest, unless a later version's comment is known
    already. The ticket's row exists: ``record_ticket`` runs first."""
    await session.execute(
        update(Ticket)
        .where(
            Ticket.declaration_id == declaration_id,
            or_(
                Ticket.last_comment_version.is_(None),
                Ticket.last_comment_version < comment.version,
            ),
        )
        .values(
            last_comment=comment.body,
            last_comment_at=comment.at,
            last_comment_author_kind=comment.author_kind,
            last_comment_author_name=comment.author_name,
            last_comment_version=comment.version,
        )
    )


async def latest_comment_before(
    session: AsyncSession, *, declaration_id: str, version: int
) -> KnownComment | None:
    """The latest public comment known, if it came before ``version``."""
    row = (
        await session.execute(
            select(
                Ticket.last_comment,
                Ticket.last_comment_at,
                Ticket.last_comment_author_kind,
                Ticket.last_comment_author_name,
                Ticket.last_comment_version,
            ).where(
                Ticket.declaration_id == declaration_id,
                Ticket.last_comment_version < version,
            )
        )
    ).one_or_none()
    if row is None or row.last_comment is None or row.last_comment_at is None:
        return None
    return KnownComment(
        body=row.last_comment,
        at=row.last_comment_at,
        author_kind=row.last_comment_author_kind or "agent",
        author_name=row.last_comment_author_name,
        version=row.last_comment_version,
    )
