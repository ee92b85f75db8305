"""One client's place on a feed: what arrived for it and not yet sent."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FeedRow:
    """A row of a feed's table: its id (increasing in commit order) and its values."""

    id: int
    values: Mapping[str, Any]


Accepts = Callable[[FeedRow], bool]


class Lagging(Exception):
    """The client fell behind by more than its buffer: its stream ends, and it resumes
    from its last id, replayed from the table."""


class Subscription:
    def __init__(self, accepts: Accepts, *, joined_at: int, buffer: int) -> None:
        self.accepts = accepts
        # The feed's position when the client joined: live delivery starts after it.
        self.joined_at = joined_at
        self._buffer = buffer
        self._pending: deque[FeedRow] = deque()
        self._wake = asyncio.Event()
        self._lagging = False
        self._closed = False

    def offer(self, row: FeedRow) -> None:
        """Called by the feed, synchronously, for each new row."""
        if self._closed or self._lagging or not self.accepts(row):
            return
        if len(self._pending) >= self._buffer:
            self._lagging = True
            self._pending.clear()
        else:
            self._pending.append(row)
        self._wake.set()

    async def next(self, timeout: float) -> FeedRow | None:
        """The next row for this client, or None if none came within ``timeout``."""
        if not self._pending and not self._lagging:
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=timeout)
        if self._lagging:
            raise Lagging
        return self._pending.popleft() if self._pending else None

    def close(self) -> None:
        self._closed = True
        self._pending.clear()

    @property
    def closed(self) -> bool:
        return self._closed
