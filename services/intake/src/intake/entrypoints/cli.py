"""``intake serve|worker|migrate|load-catalog``."""

from __future__ import annotations

import argparse
from pathlib import Path

from intake.bootstrap import build_app, build_runtime
from intake.handlers.catalog_import import import_catalog_file
from intake.settings import load_settings
from ticketing_common.cli import run_cli
from ticketing_common.settings import ServiceSettings


def _load_catalog_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="a catalog JSON file (see deploy/demo)")


async def _load_catalog(args: argparse.Namespace, settings: ServiceSettings) -> None:
    runtime = build_runtime(settings)
    try:
        await runtime.migrate()
        report = await import_catalog_file(runtime, args.path)
        print(report.summary())
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
                "import a catalog file in one transaction",
                _load_catalog_arguments,
                _load_catalog,
            )
        },
        argv=argv,
    )
