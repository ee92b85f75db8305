"""Splitting a batch of writes into waves a single upsert each can take.

An ``INSERT ... ON CONFLICT DO UPDATE`` may touch a row only once, so a batch holding
two events of one incident (its declaration and its ticket, two versions) cannot go
in one statement. Applied wave after wave, each row still receives its events in the
batch's order, which is all the order a row (and the change logged after each event)
depends on: rows never depend on one another.
"""

from __future__ import annotations

from collections.abc import Sequence


def waves(keys: Sequence[str]) -> list[list[int]]:
    """The indexes of ``keys`` in waves: a key at most once per wave, its n-th
    occurrence in the n-th wave, each wave in the batch's order."""
    found: list[list[int]] = []
    seen: dict[str, int] = {}
    for index, key in enumerate(keys):
        wave = seen.get(key, 0)
        seen[key] = wave + 1
        if wave == len(found):
            found.append([])
        found[wave].append(index)
    return found
