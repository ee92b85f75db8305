"""Attachment files in a folder of the local file system (the default storage).

``<root>/pending/`` holds uploads being written, ``<root>/objects/<2 chars>/<key>`` the
published ones (two characters of fan-out keep folders small). A pending file is
published by a rename, atomic on one file system, after its bytes reach the disk. File
operations run in worker threads so the event loop never waits on the disk.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from anyio import to_thread

from intake.adapters.attachment_storage import PendingObject, StoredObjectMissing

READ_CHUNK = 64 * 1024
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{1,99}$")


def _checked(key: str) -> str:
    # Keys are intake's ids; anything else is a bug, and must never become a path.
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class FolderPendingObject:
    def __init__(self, file: BinaryIO, pending: Path, final: Path) -> None:
        self._file = file
        self._pending = pending
        self._final = final
        self._closed = False

    async def write(self, data: bytes) -> None:
        await to_thread.run_sync(self._file.write, data)

    async def commit(self) -> None:
        await to_thread.run_sync(self._publish)

    async def abort(self) -> None:
        await to_thread.run_sync(self._discard)

    def _publish(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._closed = True
        self._final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._pending, self._final)

    def _discard(self) -> None:
        if not self._closed:
            self._file.close()
            self._closed = True
        self._pending.unlink(missing_ok=True)


class FolderStorage:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._pending = root / "pending"
        self._objects = root / "objects"

    def path_of(self, key: str) -> Path:
        key = _checked(key)
        return self._objects / key[:2] / key

    async def create(self, key: str) -> PendingObject:
        final = self.path_of(key)
        pending = self._pending / f"{key}.{secrets.token_hex(4)}"

        def open_pending() -> BinaryIO:
            self._pending.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
            return os.fdopen(descriptor, "wb")

        return FolderPendingObject(await to_thread.run_sync(open_pending), pending, final)

    async def read(self, key: str) -> AsyncIterator[bytes]:
        path = self.path_of(key)
        try:
            file = await to_thread.run_sync(path.open, "rb")
        except FileNotFoundError as exc:
            raise StoredObjectMissing(key) from exc
        try:
            while chunk := await to_thread.run_sync(file.read, READ_CHUNK):
                yield chunk
        finally:
            await to_thread.run_sync(file.close)

    async def delete(self, key: str) -> None:
        await to_thread.run_sync(self.path_of(key).unlink, True)

    async def purge_incomplete(self, older_than: datetime) -> int:
        limit = older_than.timestamp()

        def purge() -> int:
            removed = 0
            if not self._pending.is_dir():
                return 0
            for entry in self._pending.iterdir():
                try:
                    if entry.stat().st_mtime < limit:
                        entry.unlink()
                        removed += 1
                except FileNotFoundError:
                    continue
            return removed

        return await to_thread.run_sync(purge)

    async def keys(self) -> list[str]:
        """Every published key (for audits and the tests' consistency checks)."""

        def walk() -> list[str]:
            if not self._objects.is_dir():
                return []
            return sorted(path.name for path in self._objects.glob("*/*") if path.is_file())

        return await to_thread.run_sync(walk)

    async def pending_count(self) -> int:
        def count() -> int:
            return len(list(self._pending.iterdir())) if self._pending.is_dir() else 0

        return await to_thread.run_sync(count)
