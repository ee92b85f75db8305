import pytest

from bench.stats import Distribution, least_squares_slope, percentile


def test_percentiles_are_nearest_rank() -> None:
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 0.5) == 50.0
    assert percentile(samples, 0.95) == 95.0
    assert percentile(samples, 0.99) == 99.0
    assert percentile(samples, 1.0) == 100.0
    # Never an interpolated value: with two samples the median is the first.
    assert percentile([1.0, 3.0], 0.5) == 1.0


def test_a_tail_of_few_samples_is_their_maximum() -> None:
    assert percentile([1.0, 2.0, 9.0], 0.99) == 9.0


def test_no_sample_is_no_figure() -> None:
    assert Distribution.of([]) is None
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 0.5)


def test_distribution_summarizes_unsorted_samples() -> None:
    distribution = Distribution.of([0.3, 0.1, 0.2, 0.4])
    assert distribution is not None
    assert (distribution.count, distribution.median, distribution.maximum) == (4, 0.2, 0.4)
    assert distribution.mean == pytest.approx(0.25)


def test_slope_of_a_line_and_of_a_flat_series() -> None:
    assert least_squares_slope([(0, 1), (1, 3), (2, 5)]) == pytest.approx(2.0)
    assert least_squares_slope([(0, 4), (1, 4), (2, 4)]) == 0.0
    assert least_squares_slope([(1, 4)]) == 0.0
