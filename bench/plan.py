"""How much a run measures: ``quick`` for ``make bench`` (about three minutes),
``full`` for ``make bench-full`` (the figures RESULTS.md records)."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Plan:
    name: str
    # The machine's limits: how long each probe runs, and at what concurrency.
    limit_seconds: float
    database_concurrency: int
    http_concurrency: int
    # Declarations: the catalog they are made against, the fixed rates, and the search.
    catalog_organizations: int
    users_per_organization: int
    warmup_declarations: int
    # The system's own CPU while nothing happens, measured this long.
    idle_seconds: float
    fixed_rates: tuple[float, ...]
    fixed_seconds: float
    search_start_rate: float
    search_steps: int
    search_seconds: float
    # After the last POST of a step: how long to wait for the list and the emails.
    drain_seconds: float
    # After the last step, at most this long waiting for the pipeline to be idle.
    settle_seconds: float
    # The list at scale.
    list_incidents: int
    list_organizations: int
    list_requests_per_query: int
    # Time one kind of query may take before fewer requests are enough.
    list_seconds_per_query: float

    def with_overrides(self, **changes: object) -> Plan:
        return replace(self, **changes)  # type: ignore[arg-type]


QUICK = Plan(
    name="quick",
    limit_seconds=2.0,
    database_concurrency=10,
    http_concurrency=16,
    catalog_organizations=100,
    users_per_organization=10,
    warmup_declarations=40,
    idle_seconds=3.0,
    # A check that nothing moved much, in about three minutes: issue 14's target rate
    # (100/s, two emails each) for 20 s, then one step above it. The rates beyond are
    # make bench-full's.
    fixed_rates=(100.0,),
    fixed_seconds=20.0,
    search_start_rate=150.0,
    search_steps=1,
    search_seconds=10.0,
    drain_seconds=10.0,
    settle_seconds=20.0,
    list_incidents=20_000,
    list_organizations=1000,
    list_requests_per_query=20,
    list_seconds_per_query=2.0,
)

FULL = Plan(
    name="full",
    limit_seconds=10.0,
    database_concurrency=10,
    http_concurrency=16,
    catalog_organizations=1000,
    users_per_organization=2,
    warmup_declarations=200,
    idle_seconds=10.0,
    fixed_rates=(50.0, 100.0, 200.0),
    fixed_seconds=30.0,
    search_start_rate=200.0,
    search_steps=7,
    search_seconds=20.0,
    drain_seconds=60.0,
    settle_seconds=300.0,
    list_incidents=1_000_000,
    list_organizations=1000,
    list_requests_per_query=200,
    list_seconds_per_query=60.0,
)

PLANS = {plan.name: plan for plan in (QUICK, FULL)}
