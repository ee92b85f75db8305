"""``notification serve|worker|migrate``."""

from __future__ import annotations

from notification.bootstrap import build_app, build_runtime
from notification.settings import load_settings
from ticketing_common.cli import run_cli


def main(argv: list[str] | None = None) -> None:
    run_cli(
        name="notification",
        load_settings=load_settings,
        build_runtime=build_runtime,
        build_app=build_app,
        argv=argv,
    )
