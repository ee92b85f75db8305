"""How long and how hard: the short form (in ``make test``) and the long one.

``FAILURE_SUITE=long`` (``make test-failures``) picks the long form;
``FAILURE_SUITE_SEED`` replays a run's random choices (its report prints the seed).
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    name: str
    # Declarations a second while the faults last, at least ``minimum`` of them in
    # all, and no more than ``maximum`` (a slow machine stretches the faults).
    rate: float
    minimum: int
    maximum: int
    # Each round: a broker outage, a database outage (with poisons in the middle of a
    # batch), a database restart, a SIGKILL of every service, and a batch of poison
    # messages, in a random order.
    rounds: int
    broker_down_seconds: float
    database_down_seconds: float
    # Services stopped and killed all at once (each at its own random moment) rather
    # than one after the other: the same faults, in less time.
    together: bool
    # The longest the system may take to settle after the last fault.
    settle_seconds: float
    # The whole test's time limit (pytest-timeout).
    timeout_seconds: int
    seed: int


def current_profile() -> Profile:
    seed = int(os.environ.get("FAILURE_SUITE_SEED") or random.randrange(1_000_000))
    if os.environ.get("FAILURE_SUITE", "short") == "long":
        return Profile(
            name="long",
            rate=3.0,
            minimum=2000,
            maximum=3000,
            rounds=3,
            broker_down_seconds=10.0,
            database_down_seconds=10.0,
            together=False,
            settle_seconds=1800.0,
            timeout_seconds=5400,
            seed=seed,
        )
    return Profile(
        name="short",
        rate=2.0,
        minimum=150,
        maximum=250,
        rounds=1,
        broker_down_seconds=3.0,
        database_down_seconds=3.0,
        together=True,
        settle_seconds=300.0,
        timeout_seconds=900,
        seed=seed,
    )
