"""``intake serve|worker|migrate|load-catalog|purge-attachments``."""

from __future__ import annotations

import argparse
from pathlib import Path

from intake.adapters.catalog_files import UnreadableCatalog
from intake.bootstrap import attachment_cleanup, attachment_storage, build_app, build_runtime
from intake.handlers.catalog_import import import_catalog_files
from intake.settings import intake_settings, load_settings
from ticketing_common.cli import run_cli
from ticketing_common.settings import ServiceSettings

# load-catalog's exit statuses: everything imported; some objects refused (the others
# were imported, unless --dry-run); nothing imported, a file could not be read.
EXIT_REFUSED = 1
EXIT_UNREADABLE = 2


def _load_catalog_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        type=Path,
        nargs="+",
        metavar="path",
        help="a catalog .json file, a <kind>.csv file (organizations, contracts, elements, "
        "sites, contacts), or a folder of them; all are imported in one transaction",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="report what the import would do, and write nothing",
    )


async def _load_catalog(args: argparse.Namespace, settings: ServiceSettings) -> None:
    runtime = build_runtime(settings)
    try:
        await runtime.migrate()
        try:
            report = await import_catalog_files(runtime, args.paths, dry_run=args.dry_run)
        except UnreadableCatalog as exc:
            print(f"nothing imported: {exc}")
            raise SystemExit(EXIT_UNREADABLE) from None
        print(report.summary())
        if report.refused:
            raise SystemExit(EXIT_REFUSED)
    finally:
        await runtime.engine.dispose()


def _positive_hours(text: str) -> float:
    hours = float(text)
    if not hours > 0:
        raise argparse.ArgumentTypeError("must be a positive number of hours")
    return hours


def _purge_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--older-than-hours",
        type=_positive_hours,
        default=None,
        help="remove unlinked uploads older than this (default: ATTACHMENTS_UNLINKED_TTL_HOURS)",
    )


async def _purge_attachments(args: argparse.Namespace, settings: ServiceSettings) -> None:
    intake = intake_settings(settings)
    if args.older_than_hours is not None:
        intake = intake.model_copy(update={"attachments_unlinked_ttl_hours": args.older_than_hours})
    runtime = build_runtime(intake)
    try:
        await runtime.migrate()
        removed = await attachment_cleanup(runtime, attachment_storage(intake)).run_once()
        hours = intake.attachments_unlinked_ttl_hours
        print(f"removed {removed} attachment(s) no declaration took within {hours:g} hours")
    finally:
        await runtime.engine.dispose()


def main(argv: list[str] | None = None) -> None:
    run_cli(
        name="intake",
        load_settings=load_settings,
        build_runtime=build_runtime,
        build_app=build_app,
        commands={
            "load-catalog": (
                "import catalog files (JSON or CSV) in one transaction",
                _load_catalog_arguments,
                _load_catalog,
            ),
            "purge-attachments": (
                "remove the uploads no declaration took (the background pass, once)",
                _purge_arguments,
                _purge_attachments,
            ),
        },
        argv=argv,
    )
