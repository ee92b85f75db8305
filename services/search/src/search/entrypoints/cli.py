"""``search serve|worker|migrate``."""

from __future__ import annotations

from search.bootstrap import build_app, build_runtime
from search.settings import load_settings
from ticketing_common.cli import run_cli


def main(argv: list[str] | None = None) -> None:
    run_cli(
        name="search",
        load_settings=load_settings,
        build_runtime=build_runtime,
        build_app=build_app,
        argv=argv,
    )
