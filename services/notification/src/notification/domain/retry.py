"""When to try a failed delivery again, and when to give up."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from notification.domain.delivery import DeliveryStatus

Jitter = Callable[[float, float], float]


@dataclass(frozen=True)
class RetryDecision:
    status: DeliveryStatus
    # Seconds until the next attempt; None once the delivery has failed for good.
    delay_seconds: float | None


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    max_seconds: float

    def after_failure(
        self, attempts: int, *, permanent: bool, jitter: Jitter = random.uniform
    ) -> RetryDecision:
        """What follows a failed attempt; ``attempts`` counts it.

        The delay doubles with each attempt up to ``max_seconds``, and is drawn from
        its upper half so that deliveries that failed together (a mail server that
        went away) do not all come back at the same instant.
        """
        if permanent or attempts >= self.max_attempts:
            return RetryDecision(DeliveryStatus.FAILED, None)
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** max(attempts - 1, 0))
        return RetryDecision(DeliveryStatus.RETRYING, jitter(ceiling / 2, ceiling))
