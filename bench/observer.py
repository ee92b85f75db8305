"""Watching declarations reach the list, without weighing on the system.

Asking the list's API for every declaration until it shows up would send the search
service several requests per declaration: more load than the declarations
themselves, and the figures would measure the observer. Instead:

- ``ReadModelObserver`` reads the read model's table directly, for every declaration
  still awaited, in one primary-key query every ``interval`` (10 ms): a few cheap
  index lookups per poll, whatever the rate. A row seen by a query was committed
  before that query's snapshot, so each time is the start of the first query that saw
  it: at most one interval late, never early. When thousands are awaited (a system
  falling behind) the polls space out, never querying more than a fifth of the time.
- ``ApiSampler`` checks that the API tells the same story, for one declaration in
  ``every``: it asks ``GET /v1/incidents?q=<marker>`` as the declaring user every
  ``interval`` (50 ms) until the ticket number shows, less and less often after ten
  tries (up to once a second).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench.http_client import HttpError, HttpPool

# The observer waits at least this many times its last query's duration between polls.
QUERY_SHARE_INVERSE = 5.0
# The API sampler asks every ``interval`` at first, then less and less often (up to
# ``MAX_API_INTERVAL``) for a declaration that takes long, so a slow system is not
# made slower by its observer.
API_BACKOFF_AFTER = 10
API_BACKOFF_FACTOR = 1.5
MAX_API_INTERVAL = 1.0


@dataclass
class Tracked:
    """One declaration the bench sent, and when it was seen where."""

    marker: str
    token: str
    due: float
    expected_emails: int
    sent_at: float | None = None
    answered_at: float | None = None
    status: int | None = None
    declaration_id: str | None = None
    registering_at: float | None = None
    numbered_at: float | None = None
    api_numbered_at: float | None = None
    emails: dict[str, float] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.status == 202 and self.declaration_id is not None

    @property
    def emails_done_at(self) -> float | None:
        if len(self.emails) < self.expected_emails:
            return None
        return max(sorted(self.emails.values())[: self.expected_emails])


class ReadModelObserver:
    def __init__(self, dsn: str, *, interval: float = 0.01) -> None:
        self._dsn = dsn
        self._interval = interval
        self._awaited: dict[str, Tracked] = {}
        self._task: asyncio.Task[None] | None = None
        self._connection: asyncpg.Connection[Any] | None = None
        self.polls = 0

    async def start(self) -> None:
        self._connection = await asyncpg.connect(self._dsn)
        self._task = asyncio.create_task(self._run())

    def watch(self, tracked: Tracked) -> None:
        assert tracked.declaration_id is not None
        self._awaited[tracked.declaration_id] = tracked

    @property
    def awaited(self) -> int:
        return len(self._awaited)

    async def _run(self) -> None:
        assert self._connection is not None
        statement = await self._connection.prepare(
            "SELECT declaration_id, ticket_number IS NOT NULL AS numbered "
            "FROM incidents WHERE declaration_id = ANY($1::text[])"
        )
        while True:
            started = time.monotonic()
            if self._awaited:
                rows = await statement.fetch(list(self._awaited))
                self.polls += 1
                for row in rows:
                    tracked = self._awaited[row["declaration_id"]]
                    if tracked.registering_at is None:
                        tracked.registering_at = started
                    if row["numbered"]:
                        tracked.numbered_at = started
                        del self._awaited[row["declaration_id"]]
            spent = time.monotonic() - started
            # Never more than a fifth of the time querying: with thousands awaited (a
            # system falling behind) the polls space out rather than add to the load.
            await asyncio.sleep(max(self._interval - spent, QUERY_SHARE_INVERSE * spent - spent))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._connection is not None:
            await self._connection.close()


class ApiSampler:
    def __init__(
        self, pool: HttpPool, *, every: int = 100, interval: float = 0.05, give_up: float = 30.0
    ) -> None:
        self._pool = pool
        self._every = every
        self._interval = interval
        self._give_up = give_up
        self._count = 0
        self._tasks: set[asyncio.Task[None]] = set()

    def maybe_follow(self, tracked: Tracked) -> None:
        self._count += 1
        if self._count % self._every:
            return
        task = asyncio.create_task(self._follow(tracked))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _follow(self, tracked: Tracked) -> None:
        target = "/v1/incidents?" + urllib.parse.urlencode({"q": tracked.marker, "limit": 5})
        request = self._pool.encode(
            "GET", target, headers=[("Authorization", f"Bearer {tracked.token}")]
        )
        deadline = time.monotonic() + self._give_up
        interval = self._interval
        polls = 0
        while time.monotonic() < deadline:
            asked = time.monotonic()
            polls += 1
            try:
                response = await self._pool.send(request)
            except (HttpError, TimeoutError):
                response = None
            if response is not None and response.status == 200:
                items = json.loads(response.body)["items"]
                if any(item.get("ticket_number") for item in items):
                    tracked.api_numbered_at = asked
                    return
            if polls >= API_BACKOFF_AFTER:
                interval = min(interval * API_BACKOFF_FACTOR, MAX_API_INTERVAL)
            await asyncio.sleep(interval)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
