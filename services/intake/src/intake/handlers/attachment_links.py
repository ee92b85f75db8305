"""Attaching uploaded files to the declaration that names them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from intake.adapters.tables import Attachment
from ticketing_common.web.problems import FieldError, invalid_fields


async def link_attachments(
    session: AsyncSession,
    *,
    declaration_id: str,
    org_id: str,
    requested: list[str],
    now: datetime,
) -> None:
    """Link each named upload to the declaration, in the declaration's transaction.

    The rules were checked on what was read; the update checks again under the row
    locks, so a file another declaration took meanwhile, or the cleanup removed, makes
    this one fail (and roll back whole) instead of being attached twice or to nothing.
    """
    distinct = list(dict.fromkeys(requested))
    if not distinct:
        return
    # The declaration's row must exist before attachments refer to it.
    await session.flush()
    linked = set(
        (
            await session.execute(
                update(Attachment)
                .where(
                    Attachment.id.in_(distinct),
                    Attachment.org_id == org_id,
                    Attachment.declaration_id.is_(None),
                )
                .values(declaration_id=declaration_id, linked_at=now)
                .returning(Attachment.id)
            )
        ).scalars()
    )
    lost = [attachment_id for attachment_id in distinct if attachment_id not in linked]
    if lost:
        raise invalid_fields(
            [
                FieldError(
                    f"attachment_ids[{requested.index(attachment_id)}]",
                    "this file was attached elsewhere or removed meanwhile; upload it again",
                    code="already_attached",
                )
                for attachment_id in lost
            ]
        )
