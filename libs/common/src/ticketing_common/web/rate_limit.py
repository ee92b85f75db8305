"""A rate limit per user on the operations that cost the most (declarations, uploads).

A token bucket per (user, operation): ``per_minute`` requests a minute on average, with
bursts up to ``burst``. Past it, 429 with ``Retry-After``. The buckets live in the
process: with several replicas behind a load balancer each applies the limit on its own,
which bounds a user at (replicas × limit) — enough to stop a runaway client without a
round trip to a shared store on every request.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request

from ticketing_common.web.access import CurrentPrincipal
from ticketing_common.web.problems import Problem

Clock = Callable[[], float]


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    def __init__(
        self,
        *,
        per_minute: float,
        burst: int,
        clock: Clock = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")
        self.rate = per_minute / 60.0
        self.burst = burst
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, key: str) -> float:
        """Take one token; 0 when allowed, else the seconds to wait for the next one."""
        now = self._clock()
        bucket = self._buckets.pop(key, None) or _Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        self._buckets[key] = bucket
        if len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate


def rate_limited(operation: str) -> Any:
    """A dependency refusing a caller past their rate for ``operation``.

    The buckets are the app's (``app.state.rate_limits[operation]``), built from the
    service's settings when the app is built.
    """

    async def check(request: Request, principal: CurrentPrincipal) -> None:
        buckets: TokenBuckets = request.app.state.rate_limits[operation]
        wait = buckets.take(principal.sub)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise Problem(
                429,
                f"too many {operation} requests; retry in {seconds} s",
                slug="rate-limited",
                headers={"Retry-After": str(seconds)},
            )

    return Depends(check)
