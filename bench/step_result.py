"""What a fixed-rate step measured, summarized from what was seen of each declaration.

Every time counts from the moment the declaration's POST was due (see
``bench/declarations.py``); the verdicts come from ``bench/sustained.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bench import cpu
from bench.backlog import BacklogSample
from bench.observer import Tracked
from bench.stats import Distribution
from bench.sustained import StepFacts, Verdict, backlog_growth, email_verdict, pipeline_verdict


@dataclass(frozen=True)
class StepResult:
    label: str
    target_rate: float
    seconds: float
    sent: int
    # POSTs answered 202.
    accepted: int
    achieved_rate: float
    errors: Mapping[str, int]
    post: Distribution | None
    registering: Distribution | None
    numbered: Distribution | None
    emails: Distribution | None
    api_numbered: Distribution | None
    client_lag: Distribution | None
    backlog_max: float
    backlog_growth: float
    pipeline: Verdict
    mail: Verdict
    emails_behind: int
    cpu_seconds: Mapping[str, float]
    # From the first POST due to the end of the drain: the time the CPU figures cover.
    wall_seconds: float
    load_average: float
    first_error: str | None = None
    # Why the step stopped sending before its end, if it did.
    aborted: str | None = None
    # Emails of earlier steps still on their way when this one began (their sending
    # competed with this step for the CPU).
    emails_pending_at_start: int = 0
    # service → (sessions opened, transactions committed) in its database over the step.
    database: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def sustained(self) -> bool:
        """Held: the list kept up, and so did the emails (the rate search's rule)."""
        return self.pipeline.sustained and self.mail.sustained


@dataclass(frozen=True)
class StepRecord:
    """What a step saw, before it is summarized."""

    label: str
    rate: float
    seconds: float
    # The declarations sent (those a stopped step never sent are not among them).
    tracked: Sequence[Tracked]
    errors: Mapping[str, int]
    first_error: str | None
    backlog: Sequence[BacklogSample]
    cpu_seconds: Mapping[str, float]
    # When the first POST was due (time.monotonic()).
    start: float
    wall_seconds: float
    aborted: str | None = None
    emails_pending_at_start: int = 0
    database: Mapping[str, tuple[int, int]] = field(default_factory=dict)


def _since_due(values: Sequence[tuple[float, float | None]]) -> list[float]:
    return [moment - due for due, moment in values if moment is not None]


def summarize(record: StepRecord) -> StepResult:
    tracked = record.tracked
    accepted = [item for item in tracked if item.accepted]
    start = record.start
    backlog = [(sample.at - start, sample.total) for sample in record.backlog]
    facts = StepFacts(
        target_rate=record.rate,
        seconds=record.seconds,
        sent=len(tracked),
        achieved_rate=achieved_rate(tracked, record.rate),
        errors=sum(record.errors.values()),
        reached_list=sum(1 for t in accepted if t.numbered_at is not None),
        backlog=backlog,
        list_latencies=[(t.due - start, t.numbered_at - t.due) for t in accepted if t.numbered_at],
        expected_emails=sum(t.expected_emails for t in accepted),
        arrived_emails=sum(min(len(t.emails), t.expected_emails) for t in accepted),
        email_latencies=[
            (t.due - start, done - t.due)
            for t in accepted
            if (done := t.emails_done_at) is not None
        ],
        emails_pending_at_start=record.emails_pending_at_start,
    )
    pipeline = pipeline_verdict(facts)
    if record.aborted is not None:
        pipeline = Verdict(False, (record.aborted, *pipeline.reasons))
    return StepResult(
        label=record.label,
        target_rate=record.rate,
        seconds=record.seconds,
        sent=len(tracked),
        accepted=len(accepted),
        achieved_rate=facts.achieved_rate,
        errors=dict(record.errors),
        post=Distribution.of(_since_due([(t.due, t.answered_at) for t in tracked])),
        registering=Distribution.of(_since_due([(t.due, t.registering_at) for t in accepted])),
        numbered=Distribution.of(_since_due([(t.due, t.numbered_at) for t in accepted])),
        emails=Distribution.of(_since_due([(t.due, t.emails_done_at) for t in accepted])),
        api_numbered=Distribution.of(_since_due([(t.due, t.api_numbered_at) for t in accepted])),
        client_lag=Distribution.of(_since_due([(t.due, t.sent_at) for t in tracked])),
        backlog_max=max((value for _, value in backlog), default=0.0),
        backlog_growth=backlog_growth(backlog, record.seconds),
        pipeline=pipeline,
        mail=email_verdict(facts),
        emails_behind=facts.expected_emails - facts.arrived_emails,
        cpu_seconds=record.cpu_seconds,
        wall_seconds=record.wall_seconds,
        load_average=cpu.load_average(),
        first_error=record.first_error,
        aborted=record.aborted,
        emails_pending_at_start=record.emails_pending_at_start,
        database=record.database,
    )


def achieved_rate(tracked: Sequence[Tracked], target: float) -> float:
    """POSTs sent per second, from the first send to the last."""
    sent = sorted(t.sent_at for t in tracked if t.sent_at is not None)
    if len(sent) < 2 or sent[-1] <= sent[0]:
        return target if sent else 0.0
    return (len(sent) - 1) / (sent[-1] - sent[0])
