"""Receiving one uploaded file: streamed to storage, measured, typed and hashed on the
way, and recorded only once it is whole and accepted.

Nothing of a refused upload remains: its pending object is aborted and no row is
written. The file is published in storage before its row commits, so a row never
names a file that is not there.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime

from intake.adapters.attachment_storage import AttachmentStorage, PendingObject
from intake.adapters.multipart_stream import (
    BodyTooLarge,
    MalformedBody,
    PartData,
    PartEnd,
    PartStart,
    UnsupportedBody,
    multipart_boundary,
    read_multipart,
)
from intake.adapters.tables import Attachment
from intake.domain.attachment_types import (
    AttachmentType,
    ContentSniffer,
    TypeNotAllowed,
    check_declared_type,
)
from intake.domain.filenames import display_name
from ticketing_common.auth.principal import Principal
from ticketing_common.db.engine import SessionFactory
from ticketing_common.web.problems import Problem, invalid

FILE_FIELD = "file"
# Room for the multipart framing around the file: boundaries and part headers.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
_SANE_FIELD_NAME = re.compile(r"^[A-Za-z0-9_.\[\]-]{1,50}$")


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    allowed_types: frozenset[str]


@dataclass(frozen=True)
class StoredUpload:
    id: str
    filename: str
    size: int
    content_type: str
    sha256: str


def too_large(limits: UploadLimits) -> Problem:
    return Problem(
        413,
        f"a file may hold at most {limits.max_bytes} bytes",
        slug="content-too-large",
        extra={"max_bytes": limits.max_bytes},
    )


def check_announced_length(content_length: str | None, limits: UploadLimits) -> None:
    """Refuse at once a body announced larger than any acceptable one."""
    announced = (content_length or "").strip()
    if announced.isdigit() and int(announced) > limits.max_bytes + MULTIPART_OVERHEAD_BYTES:
        raise too_large(limits)


class _FileReceiver:
    """The one file part of the body, as it streams into a pending object."""

    def __init__(self, storage: AttachmentStorage, key: str, limits: UploadLimits) -> None:
        self._storage = storage
        self._key = key
        self._limits = limits
        self.pending: PendingObject | None = None
        self.uploaded_name: str | None = None
        self.kind: AttachmentType | None = None
        self._sniffer = ContentSniffer(limits.allowed_types)
        self._hash = hashlib.sha256()

    @property
    def size(self) -> int:
        return self._sniffer.size

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()

    async def start(self, part: PartStart) -> None:
        if part.name != FILE_FIELD:
            name = part.name if part.name and _SANE_FIELD_NAME.match(part.name) else FILE_FIELD
            raise invalid(
                name,
                "unexpected part: send only the file, in a part named 'file'",
                code="unknown_field",
            )
        if self.pending is not None:
            raise invalid(FILE_FIELD, "send one file per request", code="too_many")
        if part.filename is None:
            raise invalid(FILE_FIELD, "the part must be a file, with a filename", code="not_a_file")
        check_declared_type(part.content_type, self._limits.allowed_types)
        self.uploaded_name = part.filename
        self.pending = await self._storage.create(self._key)

    async def write(self, data: bytes) -> None:
        assert self.pending is not None
        if self.size + len(data) > self._limits.max_bytes:
            raise too_large(self._limits)
        self._sniffer.feed(data)
        self._hash.update(data)
        await self.pending.write(data)

    def end(self) -> None:
        if self.size == 0:
            raise invalid(FILE_FIELD, "the file is empty", code="empty")
        self.kind = self._sniffer.finish()


async def receive_upload(
    chunks: AsyncIterator[bytes],
    *,
    content_type: str | None,
    caller: Principal,
    storage: AttachmentStorage,
    session_factory: SessionFactory,
    limits: UploadLimits,
    now: datetime,
) -> StoredUpload:
    if caller.org_id is None:
        raise Problem(403, "uploads belong to an organization; your account has none")
    try:
        boundary = multipart_boundary(content_type)
    except UnsupportedBody as exc:
        raise Problem(415, str(exc), slug="unsupported-media-type") from exc
    except MalformedBody as exc:
        raise Problem(400, str(exc), slug="malformed-body") from exc

    attachment_id = str(uuid.uuid4())
    receiver = _FileReceiver(storage, attachment_id, limits)
    try:
        await _receive(chunks, boundary, receiver, limits)
        assert receiver.pending is not None
        assert receiver.kind is not None
        await receiver.pending.commit()
    except BaseException:
        if receiver.pending is not None:
            await receiver.pending.abort()
        raise

    upload = StoredUpload(
        id=attachment_id,
        filename=display_name(receiver.uploaded_name, receiver.kind),
        size=receiver.size,
        content_type=receiver.kind.media_type,
        sha256=receiver.sha256,
    )
    try:
        async with session_factory.begin() as session:
            session.add(
                Attachment(
                    id=upload.id,
                    org_id=caller.org_id,
                    uploaded_by_sub=caller.sub,
                    filename=upload.filename,
                    content_type=upload.content_type,
                    size=upload.size,
                    sha256=upload.sha256,
                    storage_key=attachment_id,
                    created_at=now,
                )
            )
    except BaseException:
        await storage.delete(attachment_id)
        raise
    return upload


async def _receive(
    chunks: AsyncIterator[bytes], boundary: bytes, receiver: _FileReceiver, limits: UploadLimits
) -> None:
    ended = False
    try:
        events = read_multipart(
            chunks, boundary, max_body_bytes=limits.max_bytes + MULTIPART_OVERHEAD_BYTES
        )
        async with aclosing(events):
            async for event in events:
                if isinstance(event, PartStart):
                    await receiver.start(event)
                elif isinstance(event, PartData):
                    await receiver.write(event.data)
                elif isinstance(event, PartEnd):
                    receiver.end()
                    ended = True
    except TypeNotAllowed as exc:
        raise Problem(415, exc.detail, slug="unsupported-media-type") from exc
    except BodyTooLarge as exc:
        raise too_large(limits) from exc
    except MalformedBody as exc:
        raise Problem(400, str(exc), slug="malformed-body") from exc
    if not ended:
        raise invalid(FILE_FIELD, "no file was sent", code="missing")
