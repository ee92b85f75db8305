"""``ticket-store serve|worker|migrate|run-jobs``."""

from __future__ import annotations

import argparse
import json

from ticket_store.bootstrap import build_app, build_runtime
from ticket_store.settings import load_settings
from ticketing_common.cli import run_cli
from ticketing_common.settings import ServiceSettings


def _run_jobs_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--only",
        choices=("breaches", "auto-close"),
        help="run one job only (default: both)",
    )


async def _run_jobs(args: argparse.Namespace, settings: ServiceSettings) -> None:
    """One pass of the periodic jobs, now; prints what it did as JSON. Safe beside the
    workers of running replicas: the jobs claim their tickets."""
    runtime = build_runtime(settings)
    try:
        await runtime.wait_for_database()
        jobs = runtime.jobs
        report = {
            "breaches_flagged": await jobs.flag_breaches() if args.only != "auto-close" else 0,
            "tickets_auto_closed": await jobs.close_resolved() if args.only != "breaches" else 0,
        }
        print(json.dumps(report))
    finally:
        await runtime.engine.dispose()


def main(argv: list[str] | None = None) -> None:
    run_cli(
        name="ticket-store",
        load_settings=load_settings,
        build_runtime=build_runtime,
        build_app=build_app,
        commands={
            "run-jobs": (
                "run the SLA breach and auto-close jobs once, now",
                _run_jobs_arguments,
                _run_jobs,
            )
        },
        argv=argv,
    )
