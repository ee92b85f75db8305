from bench.observer import Tracked
from bench.step_result import StepRecord, achieved_rate, summarize


def tracked(n: int, *, start: float = 100.0, rate: float = 10.0) -> list[Tracked]:
    items = []
    for index in range(n):
        due = start + index / rate
        item = Tracked(marker=f"bench-x-{index}", token="t", due=due, expected_emails=2)
        item.sent_at = due + 0.001
        item.answered_at = due + 0.020
        item.status = 202
        item.declaration_id = f"d-{index}"
        item.registering_at = due + 0.050
        item.numbered_at = due + 0.100
        item.emails = {"a@x": due + 0.300, "b@x": due + 0.400}
        items.append(item)
    return items


def record(items: list[Tracked], **changes: object) -> StepRecord:
    values: dict[str, object] = {
        "label": "fixed 10/s",
        "rate": 10.0,
        "seconds": 10.0,
        "tracked": items,
        "errors": {},
        "first_error": None,
        "backlog": [],
        "cpu_seconds": {"intake": 1.0},
        "start": 100.0,
        "wall_seconds": 12.0,
    }
    values.update(changes)
    return StepRecord(**values)  # type: ignore[arg-type]


def test_times_count_from_the_moment_each_post_was_due() -> None:
    result = summarize(record(tracked(100)))
    assert result.sustained
    assert result.post is not None
    assert round(result.post.median, 3) == 0.020
    assert result.registering is not None
    assert round(result.registering.p99, 3) == 0.050
    assert result.numbered is not None
    assert round(result.numbered.median, 3) == 0.100
    # The acknowledgement time is when the last recipient had their email.
    assert result.emails is not None
    assert round(result.emails.median, 3) == 0.400
    assert result.client_lag is not None
    assert round(result.client_lag.p99, 3) == 0.001
    assert round(result.achieved_rate) == 10
    assert result.emails_behind == 0


def test_a_stopped_step_is_not_sustained_and_says_why() -> None:
    result = summarize(record(tracked(30), aborted="stopped after 30 POSTs: 101 unanswered"))
    assert not result.sustained
    assert result.pipeline.reasons[0] == "stopped after 30 POSTs: 101 unanswered"


def test_a_missing_email_and_a_refused_post_are_counted() -> None:
    items = tracked(10)
    items[0].emails = {"a@x": 100.3}
    items[1].status = 503
    items[1].declaration_id = None
    result = summarize(record(items, errors={"503": 1}))
    assert not result.sustained
    assert result.emails_behind == 1
    assert result.emails is not None
    assert result.emails.count == 8


def test_the_achieved_rate_is_measured_from_the_sends() -> None:
    assert round(achieved_rate(tracked(11, rate=50.0), 50.0)) == 50
    assert achieved_rate([], 50.0) == 0.0
