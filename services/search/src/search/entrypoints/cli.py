"""``search serve|worker|migrate|rebuild``."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from search.bootstrap import build_app, build_runtime
from search.handlers.rebuild import (
    RebuildBusy,
    RebuildReport,
    RebuildWouldLoseRows,
    rebuild_read_model,
)
from search.settings import load_settings
from ticketing_common.cli import run_cli
from ticketing_common.settings import ServiceSettings


def _rebuild_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="build the new read model and report how it differs, without swapping it in",
    )
    parser.add_argument(
        "--batch-size", type=int, default=5000, help="journal events per transaction"
    )
    parser.add_argument(
        "--allow-losing-rows",
        action="store_true",
        help="swap even if incidents of the live list are not in the journal (they vanish)",
    )


def _progress() -> Callable[[RebuildReport], None]:
    shown = [0]

    def show(report: RebuildReport) -> None:
        if report.events - shown[0] >= 100_000:
            shown[0] = report.events
            print(f"  {report.events} events replayed", flush=True)

    return show


def _print_report(report: RebuildReport) -> None:
    print(
        f"{'rebuilt' if report.swapped else 'built (dry run, not swapped)'}: "
        f"{report.incidents} incidents, {report.sites} sites from {report.events} events "
        f"({report.unreadable} unreadable) in {report.seconds:.1f} s; "
        f"{report.differing} incidents differed from the live list "
        f"({report.missing} of them not in the journal)"
    )


async def _rebuild(args: argparse.Namespace, settings: ServiceSettings) -> None:
    if args.batch_size < 1:
        raise SystemExit("search rebuild: --batch-size must be at least 1")
    runtime = build_runtime(settings)
    try:
        # The service may be older than this command: bring its schema up first.
        await runtime.migrate()
        report = await rebuild_read_model(
            runtime.engine,
            batch_size=args.batch_size,
            dry_run=args.dry_run,
            allow_losing_rows=args.allow_losing_rows,
            progress=_progress(),
        )
    except (RebuildBusy, RebuildWouldLoseRows) as exc:
        raise SystemExit(f"search rebuild: {exc}") from None
    finally:
        await runtime.engine.dispose()
    _print_report(report)


def main(argv: list[str] | None = None) -> None:
    run_cli(
        name="search",
        load_settings=load_settings,
        build_runtime=build_runtime,
        build_app=build_app,
        commands={
            "rebuild": (
                "rebuild the incident list from the event journal while the service runs",
                _rebuild_arguments,
                _rebuild,
            )
        },
        argv=argv,
    )
