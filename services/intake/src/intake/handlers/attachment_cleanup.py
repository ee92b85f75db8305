"""Removing uploads no declaration took: a file is uploaded before the declaration is
sent, and a declaration abandoned halfway leaves it behind."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from intake.adapters.attachment_storage import AttachmentStorage
from intake.adapters.tables import Attachment
from ticketing_common.db.engine import SessionFactory
from ticketing_common.logging import get_logger

log = get_logger(__name__)

BATCH = 200


async def purge_unlinked_attachments(
    session_factory: SessionFactory,
    storage: AttachmentStorage,
    *,
    now: datetime,
    older_than: timedelta,
) -> int:
    """Remove attachments uploaded before ``now - older_than`` and never linked; how many.

    Rows go first, in batches claimed with ``SKIP LOCKED`` (several replicas may run this
    at once, and a declaration linking a file holds its row): once a row is gone nobody
    can link or download the file, which is then deleted.
    """
    limit = now - older_than
    removed = 0
    while True:
        async with session_factory.begin() as session:
            claimed = (
                await session.execute(
                    select(Attachment.id, Attachment.storage_key)
                    .where(Attachment.declaration_id.is_(None), Attachment.created_at < limit)
                    .order_by(Attachment.created_at)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if claimed:
                await session.execute(
                    delete(Attachment).where(Attachment.id.in_([row.id for row in claimed]))
                )
        for row in claimed:
            try:
                await storage.delete(row.storage_key)
            except OSError as exc:
                log.error("attachment file not removed", attachment_id=row.id, error=str(exc))
        removed += len(claimed)
        if len(claimed) < BATCH:
            break
    incomplete = await storage.purge_incomplete(limit)
    if removed or incomplete:
        log.info("abandoned uploads removed", attachments=removed, incomplete=incomplete)
    return removed
