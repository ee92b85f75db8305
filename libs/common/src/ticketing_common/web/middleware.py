"""Request ids, request logs and HTTP metrics, as plain ASGI (no per-request task)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ticketing_common.logging import get_logger
from ticketing_common.metrics import HTTP_DURATION, HTTP_REQUESTS

log = get_logger("ticketing.http")

REQUEST_ID_HEADER = b"x-request-id"
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or uuid.uuid4().hex
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER, request_id.encode()))
                message["headers"] = headers
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                route = _route_template(scope)
                method = scope.get("method", "")
                HTTP_REQUESTS.labels(method, route, str(status)).inc()
                HTTP_DURATION.labels(method, route).observe(elapsed)
                if scope.get("path") not in _QUIET_PATHS:
                    log.info(
                        "request",
                        method=method,
                        route=route,
                        status=status,
                        ms=round(elapsed * 1000, 2),
                    )


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == REQUEST_ID_HEADER:
            text = str(value.decode("latin-1"))
            # Only a sane id is echoed back, so nobody injects into logs or headers.
            if 0 < len(text) <= 100 and text.replace("-", "").isalnum():
                return text
    return None


def _route_template(scope: Scope) -> str:
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"
