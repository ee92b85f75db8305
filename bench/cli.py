"""``python -m bench``: one run, from an empty system to the report.

1. The machine's limits: PostgreSQL commits, RabbitMQ confirmed publishes and
   publish → consume latency, a bare FastAPI endpoint (own database and vhost).
2. The system, started as ``make run`` starts it (``bench/system.py``), with a
   catalog of customers loaded through intake.
3. Declarations: a warm-up, the fixed rates, then the search for the highest rate
   sustained (``bench/rate_search.py``, ``bench/sustained.py``).
4. The list at scale: the read model filled (``bench/search_loader.py``), then each
   kind of query (``bench/list_queries.py``).
5. The report, printed and saved under ``var/bench/``. Everything the run created
   (databases, vhosts, processes) is removed, whatever happened.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shlex
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg

from bench import cpu, profiling
from bench.backlog import BacklogSampler
from bench.catalog import User, build_catalog, build_users, declaration_body, utc_now, write_catalog
from bench.declarations import DeclarationBench, bench_process_ids
from bench.http_client import HttpPool
from bench.limits.fastapi_bare import measure_bare_fastapi
from bench.limits.postgres import measure_commits, measure_commits_through_the_services_engine
from bench.limits.rabbitmq import measure_confirmed_publishes, measure_publish_to_consume
from bench.list_queries import QUERY_KINDS, measure_query
from bench.machine import describe
from bench.mail_sink import MailArrivals
from bench.observer import ApiSampler, ReadModelObserver
from bench.plan import PLANS, Plan
from bench.rate_search import highest_sustained, next_rate
from bench.report import TARGET_RATE_FOR_LATENCY, RunReport, render, save
from bench.search_loader import load_incidents
from bench.step_result import StepResult
from bench.system import REPOSITORY, BenchSystem, Servers, free_port, new_run_id
from ticketing_common.db.engine import asyncpg_dsn
from ticketing_devkit.provision import (
    amqp_url_with_vhost,
    create_database,
    drop_database,
    with_database,
)

OUTPUT = REPOSITORY / "var" / "bench"
SERVICE_NAMES = ("intake", "ticket-store", "notification", "search")


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


async def measure_limits(plan: Plan, servers: Servers, run_id: str, report: RunReport) -> None:
    database = with_database(servers.database_url, f"bench_{run_id}_limits")
    await create_database(database, exists_ok=False)
    try:
        say("limits: PostgreSQL commits")
        report.limits.append(
            await measure_commits(
                asyncpg_dsn(database),
                concurrency=plan.database_concurrency,
                seconds=plan.limit_seconds,
            )
        )
        say("limits: the same commits through the services' engine")
        report.limits.append(
            await measure_commits_through_the_services_engine(
                database, concurrency=plan.database_concurrency, seconds=plan.limit_seconds
            )
        )
    finally:
        await drop_database(database)
    vhost = f"bench_{run_id}_limits"
    vhosts = servers.vhosts()
    await asyncio.to_thread(vhosts.create, vhost)
    try:
        amqp = amqp_url_with_vhost(servers.amqp_url, vhost)
        say("limits: RabbitMQ confirmed publishes")
        report.limits.append(await measure_confirmed_publishes(amqp, seconds=plan.limit_seconds))
        say("limits: RabbitMQ publish → consume")
        report.limits.append(
            await measure_publish_to_consume(
                amqp, rate=TARGET_RATE_FOR_LATENCY, seconds=plan.limit_seconds
            )
        )
    finally:
        await asyncio.to_thread(vhosts.delete, vhost)
    say("limits: bare FastAPI endpoint")
    _, organizations = build_catalog(1)
    user = build_users(organizations, 1)[0]
    body = json.dumps(declaration_body(user, "bench-0-0", random.Random(1), utc_now())).encode()
    report.limits.append(
        await measure_bare_fastapi(
            free_port(), body, concurrency=plan.http_concurrency, seconds=plan.limit_seconds
        )
    )


class Run:
    """One run against one system: the steps, the search and the list."""

    def __init__(self, plan: Plan, args: argparse.Namespace, report: RunReport) -> None:
        self.plan = plan
        self.args = args
        self.report = report
        self.run_id = new_run_id()
        self.servers = Servers()
        self.output = OUTPUT / f"{report.started:%Y%m%d-%H%M%S}-{plan.name}"
        self.backlog: BacklogSampler | None = None

    async def execute(self) -> None:
        self.servers.ensure()
        self.report.machine = await describe(
            asyncpg_dsn(self.servers.database_url), self.servers.amqp_url, REPOSITORY
        )
        if not self.args.skip_limits:
            await measure_limits(self.plan, self.servers, self.run_id, self.report)
        if self.args.skip_declarations and self.args.skip_list:
            return
        sink = await MailArrivals().start()
        system = BenchSystem(self.run_id, self.servers, sink.url, self.output / "logs")
        try:
            document, organizations = build_catalog(self.plan.catalog_organizations)
            catalog = write_catalog(document, self.output / "catalog.json")
            say(
                f"starting the system (run {self.run_id}, "
                f"{self.plan.catalog_organizations} organizations in the catalog)"
            )
            await system.start(catalog)
            say("system ready: " + ", ".join(f"{s.name} {s.url}" for s in system.services))
            if not self.args.skip_declarations:
                users = build_users(organizations, self.plan.users_per_organization)
                await self.declarations(system, sink, users)
            if not self.args.skip_list:
                await self.list_at_scale(system)
        finally:
            say("stopping the system and removing its databases and vhost")
            await system.stop()
            await sink.stop()

    async def declarations(
        self, system: BenchSystem, sink: MailArrivals, users: list[User]
    ) -> None:
        intake = HttpPool("127.0.0.1", system.port("intake"))
        search = HttpPool("127.0.0.1", system.port("search"))
        metrics = {
            name: HttpPool("127.0.0.1", system.port(name)) for name in ("intake", "ticket-store")
        }
        observer = ReadModelObserver(
            asyncpg_dsn(system.database_urls["search"]), interval=self.args.observe_interval
        )
        await observer.start()
        sampler = ApiSampler(search, every=self.args.api_sample_every)
        backlog = BacklogSampler(system.amqp_url, metrics)
        await backlog.open()
        self.backlog = backlog

        def processes() -> dict[str, int | None]:
            found = {name: system.pid(name) for name in SERVICE_NAMES}
            found.update(bench_process_ids(sink.pid))
            return found

        statistics = await asyncpg.connect(asyncpg_dsn(self.servers.database_url))
        bench = DeclarationBench(
            statistics=statistics,
            databases={service.name: service.database for service in system.services},
            deliveries_dsn=asyncpg_dsn(system.database_urls["notification"]),
            run_id=self.run_id,
            intake=intake,
            observer=observer,
            sampler=sampler,
            backlog=backlog,
            users=users,
            processes=processes,
            drain_seconds=self.plan.drain_seconds,
        )
        sink.on_arrival = bench.on_email
        try:
            await self.measure_idle(processes)
            await self.warm_up(bench)
            for rate in self.plan.fixed_rates:
                await self.step(bench, system, f"fixed {rate:.0f}/s", rate, self.plan.fixed_seconds)
            await self.search(bench, system)
            if not await self.settle(bench, backlog, self.plan.settle_seconds):
                sample = await backlog.sample()
                unsent = await bench.emails_waiting()
                self.report.notes.append(
                    f"the pipeline was not idle {self.plan.settle_seconds:.0f} s after the last "
                    f"step ({sample.total:.0f} messages or outbox rows waiting, "
                    f"{unsent} emails not sent): what followed shared the CPU "
                    "with that work"
                )
        finally:
            await sampler.stop()
            await observer.stop()
            await statistics.close()
            await backlog.close()
            for pool in (intake, search, *metrics.values()):
                pool.close()

    async def measure_idle(self, processes: Callable[[], dict[str, int | None]]) -> None:
        """What the system costs doing nothing (relays and feeds polling, monitors): at a
        low rate this weighs on each declaration's share."""
        seconds = self.plan.idle_seconds
        say(f"idle: {seconds:.0f} s without declarations")
        before = cpu.snapshot(processes())
        await asyncio.sleep(seconds)
        spent = cpu.snapshot(processes()).since(before)
        self.report.idle_cores = {name: value / seconds for name, value in spent.items()}

    async def warm_up(self, bench: DeclarationBench) -> None:
        count = self.plan.warmup_declarations
        say(f"warm-up: {count} declarations at 20/s")
        step = await bench.run_step("warm-up", 20.0, count / 20.0)
        if step.errors:
            raise RuntimeError(f"the warm-up failed: {step.errors}; first: {step.first_error}")

    async def step(
        self, bench: DeclarationBench, system: BenchSystem, label: str, rate: float, seconds: float
    ) -> StepResult:
        say(f"{label}: {rate:.0f}/s for {seconds:.0f} s")
        profile = None
        if self.args.profile and label.startswith("fixed") and rate == max(self.plan.fixed_rates):
            pids = {name: system.pid(name) for name in SERVICE_NAMES}
            profile = asyncio.create_task(profiling.record(pids, seconds, self.output / "profiles"))
        result = await bench.run_step(label, rate, seconds)
        if not result.sustained and self.backlog is not None:
            # Leftovers of a step that was not held would weigh on the next one.
            await self.settle(bench, self.backlog, 2 * self.plan.drain_seconds)
        if profile is not None:
            self.report.profiles = await profile
            self.report.profiled_step = label
        self.report.steps.append(result)
        numbered = result.numbered.p99 * 1000 if result.numbered else float("nan")
        verdict = (
            "sustained"
            if result.sustained
            else "NOT sustained: " + "; ".join(result.pipeline.reasons)
        )
        say(
            f"{label}: sent {result.achieved_rate:.0f}/s, errors {sum(result.errors.values())}, "
            f"ticket number p99 {numbered:.0f} ms, {verdict}"
        )
        return result

    async def search(self, bench: DeclarationBench, system: BenchSystem) -> None:
        """From the start rate up or down; the fixed steps count as tried already."""
        known = [(s.target_rate, s.sustained) for s in self.report.steps if s.label != "warm-up"]
        rate: float | None = self.plan.search_start_rate
        steps = 0
        while rate is not None and steps < self.plan.search_steps:
            if rate not in {tried for tried, _ in known}:
                result = await self.step(
                    bench, system, f"search {rate:.0f}/s", rate, self.plan.search_seconds
                )
                known.append((rate, result.sustained))
                self.report.search.append((rate, result.sustained))
                steps += 1
            rate = next_rate(known, self.plan.search_start_rate)
        self.report.highest_sustained = highest_sustained(known)

    async def settle(
        self, bench: DeclarationBench, backlog: BacklogSampler, seconds: float
    ) -> bool:
        """Wait (at most ``seconds``) for the pipeline to be idle: queues, outboxes and
        emails, so that what comes next is not measured against leftovers."""
        say("waiting for the pipeline to be idle")
        deadline = time.monotonic() + seconds
        idle = 0
        while time.monotonic() < deadline:
            sample = await backlog.sample()
            idle = idle + 1 if sample.total == 0 and await bench.emails_waiting() == 0 else 0
            if idle >= 2:
                return True
            await asyncio.sleep(1.0)
        return False

    async def list_at_scale(self, system: BenchSystem) -> None:
        say(
            f"list at scale: loading {self.plan.list_incidents:,} incidents over "
            f"{self.plan.list_organizations} organizations"
        )
        last = [0.0]

        def progress(line: str) -> None:
            if time.monotonic() - last[0] > 10:
                last[0] = time.monotonic()
                say(f"loader: {line}")

        self.report.list_load = await load_incidents(
            system.database_urls["search"],
            incidents=self.plan.list_incidents,
            organizations=self.plan.list_organizations,
            progress=progress,
        )
        say(self.report.list_load.summary())
        search = HttpPool("127.0.0.1", system.port("search"))
        try:
            for kind in QUERY_KINDS:
                count = self.plan.list_requests_per_query
                if kind.deep:
                    count = max(3, count // 10)
                result = await measure_query(
                    search,
                    kind,
                    organizations=self.plan.list_organizations,
                    count=count,
                    budget_seconds=self.plan.list_seconds_per_query,
                )
                p99 = result.latency.p99 * 1000 if result.latency else float("nan")
                say(f"list: {kind.name}: p99 {p99:.0f} ms")
                self.report.list_queries.append(result)
        finally:
            search.close()


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--plan", choices=sorted(PLANS), default="quick")
    parser.add_argument("--rates", help="fixed rates, comma-separated (e.g. 50,100,200)")
    parser.add_argument("--seconds", type=float, help="length of each fixed-rate step")
    parser.add_argument("--search-steps", type=int, help="steps of the highest-rate search")
    parser.add_argument("--search-start", type=float, help="first rate the search tries")
    parser.add_argument("--list-incidents", type=int, help="incidents loaded for the list")
    parser.add_argument("--profile", action="store_true", help="py-spy the services")
    parser.add_argument("--skip-limits", action="store_true")
    parser.add_argument("--skip-declarations", action="store_true")
    parser.add_argument("--skip-list", action="store_true")
    parser.add_argument(
        "--observe-interval",
        type=float,
        default=0.01,
        help="seconds between two reads of the read model (the list times' resolution)",
    )
    parser.add_argument(
        "--api-sample-every",
        type=int,
        default=100,
        help="follow one declaration in this many through the list's API as well",
    )
    return parser.parse_args(argv)


def plan_of(args: argparse.Namespace) -> Plan:
    plan = PLANS[args.plan]
    changes: dict[str, object] = {}
    if args.rates:
        changes["fixed_rates"] = tuple(float(rate) for rate in args.rates.split(","))
    if args.seconds:
        changes["fixed_seconds"] = args.seconds
    if args.search_steps is not None:
        changes["search_steps"] = args.search_steps
    if args.search_start:
        changes["search_start_rate"] = args.search_start
    if args.list_incidents:
        changes["list_incidents"] = args.list_incidents
    return plan.with_overrides(**changes) if changes else plan


async def run(args: argparse.Namespace) -> RunReport:
    plan = plan_of(args)
    report = RunReport(
        started=datetime.now(UTC),
        plan=plan.name,
        command="python -m bench " + shlex.join(sys.argv[1:]),
        load_before=cpu.load_average(),
    )
    if report.load_before > 1.5:
        report.notes.append(
            f"PRELIMINARY: the machine was busy with other work (load average "
            f"{report.load_before:.1f} on {os.cpu_count()} cores "
            "before the run); rerun on a quiet machine for figures to keep"
        )
    began = time.monotonic()
    try:
        await Run(plan, args, report).execute()
    except Exception as exc:
        report.failed = f"{type(exc).__name__}: {exc}"
        report.notes.append(f"FAILED: {report.failed}")
    finally:
        report.seconds = time.monotonic() - began
        report.load_after = cpu.load_average()
    return report


def main(argv: list[str] | None = None) -> None:
    args = parse_arguments(argv)
    import uvloop

    report = uvloop.run(run(args))
    markdown, data = save(report, OUTPUT)
    print(render(report))
    say(f"report saved: {markdown.relative_to(REPOSITORY)} and {data.name}")
    if report.failed:
        raise SystemExit(f"the run failed: {report.failed}")
