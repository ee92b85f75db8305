from bench.sustained import StepFacts, email_verdict, pipeline_verdict


def steady(**changes: object) -> StepFacts:
    values: dict[str, object] = {
        "target_rate": 200.0,
        "seconds": 10.0,
        "sent": 2000,
        "achieved_rate": 199.5,
        "errors": 0,
        "reached_list": 2000,
        "backlog": [(t, 5.0 + (t % 2)) for t in range(11)],
        "list_latencies": [(i / 200, 0.08 + (i % 7) / 1000) for i in range(2000)],
        "expected_emails": 4000,
        "arrived_emails": 4000,
        "email_latencies": [(i / 200, 0.3) for i in range(2000)],
    }
    values.update(changes)
    return StepFacts(**values)  # type: ignore[arg-type]


def test_a_steady_step_is_sustained() -> None:
    assert pipeline_verdict(steady()).sustained
    assert email_verdict(steady()).sustained


def test_an_error_is_enough_to_miss() -> None:
    verdict = pipeline_verdict(steady(errors=1, reached_list=1999))
    assert not verdict.sustained
    assert verdict.reasons == ("1 requests failed",)


def test_a_client_behind_its_schedule_means_a_saturated_machine() -> None:
    verdict = pipeline_verdict(steady(achieved_rate=180.0))
    assert not verdict.sustained
    assert "the client sent 180/s of 200/s" in verdict.reasons


def test_declarations_missing_from_the_list_after_the_drain() -> None:
    verdict = pipeline_verdict(steady(reached_list=1990))
    assert verdict.reasons == ("10 declarations had no ticket number in the list after the drain",)


def test_a_growing_backlog_misses_even_when_everything_arrives_in_the_end() -> None:
    growing = [(float(t), 30.0 * t) for t in range(11)]
    verdict = pipeline_verdict(steady(backlog=growing))
    assert not verdict.sustained
    assert "backlog grew" in verdict.reasons[0]


def test_the_warm_up_of_the_backlog_is_not_growth() -> None:
    # High at the very start (the first fifth), flat after.
    warming = [(0.0, 400.0), (1.0, 200.0), (2.0, 10.0)] + [(float(t), 10.0) for t in range(3, 11)]
    assert pipeline_verdict(steady(backlog=warming)).sustained


def test_a_climbing_latency_misses() -> None:
    climbing = [(i / 200, 0.05 + i / 2000) for i in range(2000)]
    verdict = pipeline_verdict(steady(list_latencies=climbing))
    assert not verdict.sustained
    assert verdict.reasons[0].startswith("time to the list climbed from")


def test_emails_are_judged_apart() -> None:
    behind = steady(arrived_emails=3000)
    assert pipeline_verdict(behind).sustained
    verdict = email_verdict(behind)
    assert not verdict.sustained
    assert verdict.reasons == ("1000 of 4000 emails not arrived after the drain",)


def test_a_step_that_began_behind_on_its_emails_did_not_keep_up() -> None:
    verdict = email_verdict(steady(emails_pending_at_start=900))
    assert not verdict.sustained
    assert verdict.reasons == ("began with 900 emails of earlier steps still to send",)


def test_a_climb_that_began_in_the_first_seconds_is_seen() -> None:
    # Behind from the start, most of the climb inside the first third (median 1.6 s in
    # the first fifth, 2.5 s in the first third, 4 s in the last).
    climbing = [(i / 200, min(0.3 + i / 150, 4.0)) for i in range(2000)]
    verdict = email_verdict(steady(email_latencies=climbing))
    assert not verdict.sustained
    assert verdict.reasons[0].startswith("time to the email climbed from")
