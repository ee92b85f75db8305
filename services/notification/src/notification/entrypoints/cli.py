"""``notification serve|worker|migrate|resend``."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from notification.bootstrap import build_app, build_runtime
from notification.domain.resend import ResendOutcome
from notification.handlers.resend import resend_delivery
from notification.settings import load_settings
from ticketing_common.cli import run_cli
from ticketing_common.settings import ServiceSettings


def _resend_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "delivery_id", type=int, help="the delivery's id (GET /v1/deliveries shows it)"
    )


async def _resend(args: argparse.Namespace, settings: ServiceSettings) -> None:
    runtime = build_runtime(settings)
    try:
        outcome = await resend_delivery(
            runtime.session_factory, args.delivery_id, now=datetime.now(UTC)
        )
    finally:
        await runtime.engine.dispose()
    if outcome is ResendOutcome.NOT_FOUND:
        raise SystemExit(f"notification: no delivery {args.delivery_id}")
    if outcome is ResendOutcome.IN_FLIGHT:
        raise SystemExit(
            f"notification: delivery {args.delivery_id} is being handed to the mail server "
            "right now; see its outcome with GET /v1/deliveries, then resend if need be"
        )
    print(
        f"delivery {args.delivery_id} queued again: it goes out within moments, "
        "with the same Message-ID"
    )


def main(argv: list[str] | None = None) -> None:
    run_cli(
        name="notification",
        load_settings=load_settings,
        build_runtime=build_runtime,
        build_app=build_app,
        commands={
            "resend": (
                "send one delivery again (a new attempt, the same Message-ID)",
                _resend_arguments,
                _resend,
            )
        },
        argv=argv,
    )
