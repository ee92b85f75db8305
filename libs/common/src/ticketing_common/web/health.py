"""``/healthz`` (alive), ``/readyz`` (database and broker answer) and ``/metrics``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from ticketing_common.web.access import public
from ticketing_common.web.problems import Problem

ReadinessCheck = Callable[[], Awaitable[list[str]]]

router = APIRouter(tags=["operations"])


@router.get("/healthz", **public())
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", **public(), responses={503: {"description": "Not ready, with the reason"}})
async def readyz(request: Request) -> dict[str, str]:
    check: ReadinessCheck = request.app.state.readiness
    reasons = await check()
    if reasons:
        raise Problem(503, "; ".join(reasons), slug="not-ready")
    return {"status": "ready"}


@router.get("/metrics", **public(), response_class=Response)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
