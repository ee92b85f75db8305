"""Which rate to try next when looking for the highest sustained rate.

Up by a factor while steps hold, then halving the interval between the highest rate
held and the lowest one missed, until the steps run out or the interval is narrow.
"""

from __future__ import annotations

from collections.abc import Sequence

GROWTH = 1.33
# Stop once the interval is within this fraction of the rate held.
PRECISION = 0.1
# Rates are rounded to this step, so reports read 350/s rather than 347.3/s.
ROUNDING = 10.0
LOWEST_RATE = 10.0


def next_rate(tried: Sequence[tuple[float, bool]], start: float) -> float | None:
    """The next rate to try given (rate, sustained) so far; None: the search is over."""
    if not tried:
        return start
    held = [rate for rate, ok in tried if ok]
    missed = [rate for rate, ok in tried if not ok]
    best = max(held, default=0.0)
    above = [rate for rate in missed if rate > best]
    if not above:
        return _rounded(best * GROWTH)
    lowest_missed = min(above)
    if best == 0.0:
        candidate = _rounded(lowest_missed / GROWTH)
        return candidate if candidate >= LOWEST_RATE and candidate < lowest_missed else None
    if lowest_missed - best <= max(PRECISION * best, ROUNDING):
        return None
    candidate = _rounded((best + lowest_missed) / 2)
    if candidate <= best or candidate >= lowest_missed:
        return None
    return candidate


def highest_sustained(tried: Sequence[tuple[float, bool]]) -> float | None:
    held = [rate for rate, ok in tried if ok]
    return max(held) if held else None


def _rounded(rate: float) -> float:
    return max(ROUNDING, round(rate / ROUNDING) * ROUNDING)
