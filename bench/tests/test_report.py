from datetime import UTC, datetime

from bench.limits import LimitResult
from bench.list_queries import QueryResult
from bench.report import RunReport, render
from bench.search_loader import LoadReport
from bench.stats import Distribution
from bench.step_result import StepResult
from bench.sustained import Verdict


def dist(median: float, p99: float) -> Distribution:
    return Distribution(count=100, median=median, p95=p99, p99=p99, maximum=p99, mean=median)


def step(label: str, rate: float, ok: bool) -> StepResult:
    return StepResult(
        label=label,
        target_rate=rate,
        seconds=10.0,
        sent=int(rate * 10),
        accepted=int(rate * 10),
        achieved_rate=rate,
        errors={} if ok else {"503": 3},
        post=dist(0.012, 0.045),
        registering=dist(0.05, 0.2),
        numbered=dist(0.09, 0.4),
        emails=dist(0.3, 0.9),
        api_numbered=dist(0.1, 0.4),
        client_lag=dist(0.0002, 0.002),
        backlog_max=12.0,
        backlog_growth=1.0,
        pipeline=Verdict(ok, () if ok else ("3 requests failed",)),
        mail=Verdict(True),
        emails_behind=0,
        cpu_seconds={"intake": 4.0, "postgres": 3.0},
        wall_seconds=12.0,
        load_average=0.4,
        database={"intake": (2, 4000), "search": (0, 8000)},
    )


def test_the_report_sets_the_figures_beside_the_limits_and_the_targets() -> None:
    report = RunReport(
        started=datetime(2026, 11, 27, 12, 0, tzinfo=UTC), plan="full", command="python -m bench"
    )
    report.limits = [
        LimitResult("PostgreSQL commits", 2000.0, dist(0.004, 0.02), "10 connections"),
        LimitResult("RabbitMQ publish → consume", 200.0, dist(0.003, 0.01), "quorum"),
        LimitResult("bare FastAPI POST", 3000.0, dist(0.004, 0.01), "16 connections"),
    ]
    report.steps = [
        step("fixed 100/s", 100.0, True),
        step("fixed 200/s", 200.0, True),
        step("search 300/s", 300.0, False),
    ]
    report.search = [(300.0, False)]
    report.highest_sustained = 200.0
    report.list_load = LoadReport(1_000_000, 1000, 300.0)
    report.list_queries = [
        QueryResult("plain", "a customer's first page", dist(0.01, 0.03), 50),
        QueryResult("full-text, rare word", "a rare word", dist(0.05, 0.25), 3),
    ]
    text = render(report)
    assert "| PostgreSQL commits | 2,000 |" in text
    assert "| fixed 200/s | 200 of 200 | 12 / 45 / 45 |" in text
    assert "Highest sustained rate: **200/s** (search: 300/s missed)." in text
    assert "| 100 declarations/s sustained, emails kept up | 200/s | yes |" in text
    assert "| 300 declarations/s sustained, emails kept up | 200/s | **no** |" in text
    # At 100/s: 7 s of CPU for 1 000 declarations.
    assert "| CPU per declaration ≤ 20 ms at 100/s, all processes | 7.0 ms | yes |" in text
    assert "| POST p99 < 100 ms at 100/s | 45 ms | yes |" in text
    assert "| declaration → ticket number in the list p99 < 1000 ms at 100/s | 400 ms | yes |" in (
        text
    )
    assert "| acknowledgement email p99 < 5000 ms at 100/s | 900 ms | yes |" in text
    assert "| list p99 < 50 ms at a million incidents | worst 30 ms | yes |" in text
    assert "| full-text p99 < 200 ms at a million incidents | worst 250 ms | **no** |" in text
    assert "Sustained declarations: 200/s = 10.0% of PostgreSQL's 2,000 commits/s" in text
    assert "| fixed 200/s | 2.0 (2) | 4.0 (0) | 6.0 |" in text
