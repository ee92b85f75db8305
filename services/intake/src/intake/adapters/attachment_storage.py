"""Where attachment files live, behind an interface an object store can implement.

An upload is written piece by piece into a pending object, then either published under
its key (``commit``) or thrown away (``abort``): a refused or interrupted upload never
leaves a readable file. Keys are chosen by intake (the attachment's id), never by a
client. An S3-like store maps this onto a multipart upload (parts, then complete or
abort) and lets its lifecycle rules expire incomplete ones.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Protocol


class PendingObject(Protocol):
    async def write(self, data: bytes) -> None: ...

    async def commit(self) -> None:
        """Publish the object under its key; readable from then on."""

    async def abort(self) -> None:
        """Throw away what was written; safe to call after a failure, and more than once."""


class AttachmentStorage(Protocol):
    async def create(self, key: str) -> PendingObject: ...

    def read(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes, in chunks; ``StoredObjectMissing`` if there is none."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object; nothing happens if there is none."""

    async def purge_incomplete(self, older_than: datetime) -> int:
        """Remove pending objects left by uploads that never ended (a crash), started
        before ``older_than``; how many were removed."""
        ...


class StoredObjectMissing(Exception):
    pass
