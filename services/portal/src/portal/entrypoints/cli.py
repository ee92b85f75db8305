"""``portal serve``: the web pages on HTTP_HOST:HTTP_PORT (8000)."""

from __future__ import annotations

import argparse
import asyncio
import logging
from types import FrameType

import uvicorn

from portal.bootstrap import build_app
from portal.settings import load_settings
from portal.web.pages import PortalState
from ticketing_common.cli import server_config, settings_or_exit
from ticketing_common.logging import configure_logging


class PortalServer(uvicorn.Server):
    """uvicorn waits for open connections before it stops; the pages' live streams
    never end by themselves, so they are told, as soon as the server is asked to stop."""

    def __init__(self, config: uvicorn.Config, state: PortalState) -> None:
        super().__init__(config)
        self.state = state
        self.loop: asyncio.AbstractEventLoop | None = None

    async def serve(self, sockets: list[object] | None = None) -> None:  # type: ignore[override]
        self.loop = asyncio.get_running_loop()
        await super().serve(sockets)  # type: ignore[arg-type]

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.state.stopping.set)
        super().handle_exit(sig, frame)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="portal")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="the web pages")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    settings = settings_or_exit("portal", load_settings)
    configure_logging("portal", settings.log_level, settings.resolved_log_format)
    # One line per call to a service would drown the request log; failures are logged.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    app = build_app(settings)
    config = server_config(
        app, host=args.host or settings.http_host, port=args.port or settings.http_port
    )
    PortalServer(config, app.state.portal).run()
