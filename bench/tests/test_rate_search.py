from bench.rate_search import highest_sustained, next_rate


def search(limit: float, start: float = 300.0, steps: int = 10) -> list[tuple[float, bool]]:
    """The rates a search tries against a system that holds up to ``limit``."""
    tried: list[tuple[float, bool]] = []
    while len(tried) < steps and (rate := next_rate(tried, start)) is not None:
        tried.append((rate, rate <= limit))
    return tried


def test_it_starts_at_the_start_rate() -> None:
    assert next_rate([], 300.0) == 300.0


def test_it_climbs_while_steps_hold_then_narrows_down() -> None:
    tried = search(limit=455.0)
    rates = [rate for rate, _ in tried]
    assert rates[:3] == [300.0, 400.0, 530.0]
    best = highest_sustained(tried)
    assert best is not None
    assert 410.0 <= best <= 455.0


def test_it_goes_down_when_the_start_misses() -> None:
    tried = search(limit=120.0)
    assert tried[0] == (300.0, False)
    assert tried[1][0] < 300.0
    best = highest_sustained(tried)
    assert best is not None
    assert 100.0 <= best <= 120.0


def test_it_stops_when_nothing_holds_even_at_the_lowest_rate() -> None:
    tried = search(limit=0.0, start=20.0)
    assert highest_sustained(tried) is None
    assert all(not ok for _, ok in tried)


def test_it_stops_once_the_interval_is_narrow() -> None:
    assert next_rate([(400.0, True), (420.0, False)], 300.0) is None


def test_rates_are_round() -> None:
    assert next_rate([(300.0, True), (400.0, False)], 300.0) == 350.0
