"""The command line every service offers: ``serve``, ``worker`` and ``migrate``.

``serve`` runs the API with the consumer, relay and workers in one process (set
``RUN_WORKERS=false`` to serve the API alone); ``worker`` runs them without the API,
for scaling them apart; ``dead-letters`` lists, shows, replays and purges the dead
letters of the queues the service consumes. Services add their own commands.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import uvicorn
from fastapi import FastAPI
from pydantic import ValidationError

from ticketing_common.dead_letters import cli as dead_letters_cli
from ticketing_common.logging import configure_logging
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import ServiceSettings

Command = Callable[[argparse.Namespace, ServiceSettings], Coroutine[Any, Any, None]]
SettingsT = TypeVar("SettingsT")


def settings_or_exit(name: str, load: Callable[[], SettingsT]) -> SettingsT:
    """The settings, or an exit with one readable line per bad setting, not a traceback."""
    try:
        return load()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']).upper() or 'settings'}: {error['msg']}"
            for error in exc.errors()
        )
        raise SystemExit(f"{name}: invalid settings: {problems}") from None


def server_config(app: FastAPI, *, host: str, port: int) -> uvicorn.Config:
    """How every service and the portal serve HTTP (the bench's bare endpoint too)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        lifespan="on",
        timeout_graceful_shutdown=30,
        proxy_headers=True,
        server_header=False,
    )


def run_cli(
    *,
    name: str,
    load_settings: Callable[[], ServiceSettings],
    build_runtime: Callable[[ServiceSettings], ServiceRuntime],
    build_app: Callable[[ServiceRuntime], FastAPI],
    commands: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Command]]
    | None = None,
    argv: list[str] | None = None,
) -> None:
    parser = argparse.ArgumentParser(prog=name)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="the HTTP API, with the consumer and relay")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    sub.add_parser("worker", help="the consumer, the relay and the workers, without the API")
    sub.add_parser("migrate", help="apply the database migrations and exit")
    dead_letters_cli.add_arguments(
        sub.add_parser(
            "dead-letters",
            help="list, show, replay or purge the dead letters of this service's queues",
        )
    )
    extra = commands or {}
    for command_name, (help_text, add_arguments, _run) in extra.items():
        add_arguments(sub.add_parser(command_name, help=help_text))
    args = parser.parse_args(argv)
    settings = settings_or_exit(name, load_settings)
    configure_logging(name, settings.log_level, settings.resolved_log_format)

    if args.command == "serve":
        runtime = build_runtime(settings)
        app = build_app(runtime)
        config = server_config(
            app, host=args.host or settings.http_host, port=args.port or settings.http_port
        )
        uvicorn.Server(config).run()
    elif args.command == "worker":
        asyncio.run(_run_worker(build_runtime(settings)))
    elif args.command == "migrate":
        asyncio.run(_migrate(build_runtime(settings)))
    elif args.command == "dead-letters":
        status = asyncio.run(_dead_letters(args, build_runtime(settings)))
        if status:
            raise SystemExit(status)
    else:
        asyncio.run(extra[args.command][2](args, settings))


async def _migrate(runtime: ServiceRuntime) -> None:
    try:
        await runtime.migrate()
    finally:
        await runtime.engine.dispose()


async def _run_worker(runtime: ServiceRuntime) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await runtime.start(workers=True)
    try:
        await stop.wait()
    finally:
        await runtime.stop()


async def _dead_letters(args: argparse.Namespace, runtime: ServiceRuntime) -> int:
    try:
        return await dead_letters_cli.run(
            args, queues=runtime.consumed_queues, amqp_url=runtime.settings.amqp_url
        )
    finally:
        await runtime.engine.dispose()
