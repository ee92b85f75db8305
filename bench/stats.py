"""Latency distributions: median, p95 and p99 of a set of samples.

Percentiles are nearest-rank (the smallest sample with at least p% of the samples at
or below it): never an interpolated value that nobody measured, and on the safe
side for a tail.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of samples already sorted ascending."""
    if not ordered:
        raise ValueError("no samples")
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    rank = math.ceil(fraction * len(ordered))
    return ordered[max(rank, 1) - 1]


@dataclass(frozen=True)
class Distribution:
    """A summary of samples, in seconds."""

    count: int
    median: float
    p95: float
    p99: float
    maximum: float
    mean: float

    @classmethod
    def of(cls, samples: Iterable[float]) -> Distribution | None:
        """None when there is no sample: a figure nobody measured is not zero."""
        ordered = sorted(samples)
        if not ordered:
            return None
        return cls(
            count=len(ordered),
            median=percentile(ordered, 0.50),
            p95=percentile(ordered, 0.95),
            p99=percentile(ordered, 0.99),
            maximum=ordered[-1],
            mean=sum(ordered) / len(ordered),
        )


def least_squares_slope(points: Sequence[tuple[float, float]]) -> float:
    """The slope of the straight line closest to ``points`` (x, y); 0 with fewer than
    two distinct x."""
    if len(points) < 2:
        return 0.0
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
