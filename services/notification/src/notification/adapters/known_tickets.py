"""What notification knows of each declaration's ticket: its number, its version, and
its latest public comment. Every statement is built once, here."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class KnownComment:
    body: str
    at: datetime
    author_kind: str
    author_name: str | None
    version: int


_NUMBERS = text(
    "SELECT declaration_id, ticket_number FROM tickets "
    "WHERE declaration_id = ANY(CAST(:declaration_ids AS varchar[]))"
)

# In one statement: the latest public comment known before this change (read as it was
# before the statement: the change's own comment is not "earlier"); the ticket
# remembered, a newer version replacing an older one, never the reverse; the change's
# comment kept as the latest unless a later version's is known already; and the
# ticket named on the declaration's deliveries that do not name it yet.
_RECORD_CHANGE = text(
    """
    WITH earlier AS (
        SELECT last_comment, last_comment_at, last_comment_author_kind,
               last_comment_author_name, last_comment_version
        FROM tickets
        WHERE declaration_id = :declaration_id AND last_comment_version < :version
    ),
    recorded AS (
        INSERT INTO tickets AS known (
            declaration_id, ticket_number, version, last_comment, last_comment_at,
            last_comment_author_kind, last_comment_author_name, last_comment_version
        )
        VALUES (
            :declaration_id, :ticket_number, :version, :comment, :comment_at,
            :comment_author_kind, :comment_author_name, :comment_version
        )
        ON CONFLICT (declaration_id) DO UPDATE SET
            ticket_number = CASE WHEN known.version < excluded.version
                                 THEN excluded.ticket_number ELSE known.ticket_number END,
            updated_at = CASE WHEN known.version < excluded.version
                              THEN now() ELSE known.updated_at END,
            version = GREATEST(known.version, excluded.version),
            last_comment = CASE WHEN excluded.last_comment_version
                                     > COALESCE(known.last_comment_version, 0)
                                THEN excluded.last_comment ELSE known.last_comment END,
            last_comment_at = CASE WHEN excluded.last_comment_version
                                        > COALESCE(known.last_comment_version, 0)
                                   THEN excluded.last_comment_at ELSE known.last_comment_at END,
            last_comment_author_kind = CASE WHEN excluded.last_comment_version
                                                 > COALESCE(known.last_comment_version, 0)
                                            THEN excluded.last_comment_author_kind
                                            ELSE known.last_comment_author_kind END,
            last_comment_author_name = CASE WHEN excluded.last_comment_version
                                                 > COALESCE(known.last_comment_version, 0)
                                            THEN excluded.last_comment_author_name
                                            ELSE known.last_comment_author_name END,
            last_comment_version = GREATEST(known.last_comment_version,
                                            excluded.last_comment_version)
        WHERE known.version < excluded.version
           OR excluded.last_comment_version > COALESCE(known.last_comment_version, 0)
    ),
    named AS (
        UPDATE deliveries SET ticket_number = :ticket_number
        WHERE declaration_id = :declaration_id AND ticket_number IS NULL
    )
    SELECT * FROM earlier
    """
)


async def ticket_numbers_of(
    session: AsyncSession, declaration_ids: Collection[str]
) -> dict[str, str]:
    """The ticket number of each declaration whose ticket is known."""
    if not declaration_ids:
        return {}
    rows = await session.execute(_NUMBERS, {"declaration_ids": list(declaration_ids)})
    return {row.declaration_id: row.ticket_number for row in rows}


async def record_ticket_change(
    session: AsyncSession,
    *,
    declaration_id: str,
    ticket_number: str,
    version: int,
    comment: KnownComment | None,
) -> KnownComment | None:
    """Remember the ticket at ``version`` and its change's public ``comment``, if any;
    return the latest public comment known from before ``version``."""
    row = (
        await session.execute(
            _RECORD_CHANGE,
            {
                "declaration_id": declaration_id,
                "ticket_number": ticket_number,
                "version": version,
                "comment": comment.body if comment else None,
                "comment_at": comment.at if comment else None,
                "comment_author_kind": comment.author_kind if comment else None,
                "comment_author_name": comment.author_name if comment else None,
                "comment_version": comment.version if comment else None,
            },
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
