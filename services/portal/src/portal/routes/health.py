"""``/healthz`` (alive) and ``/readyz`` (the four services answer)."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from portal.web.pages import portal_state

router = APIRouter()


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _answers(http: httpx.AsyncClient, name: str, url: str) -> str | None:
    try:
        response = await http.get(f"{url.rstrip('/')}/healthz", timeout=3.0)
    except httpx.HTTPError as exc:
        return f"{name} unreachable ({type(exc).__name__})"
    return None if response.status_code == 200 else f"{name} answered {response.status_code}"


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    """Ready when every service the pages call answers: the portal alone serves nothing."""
    settings = portal_state(request).settings
    services = {
        "intake": settings.intake_url,
        "ticket-store": settings.ticket_store_url,
        "notification": settings.notification_url,
        "search": settings.search_url,
    }
    async with httpx.AsyncClient() as http:
        reasons = [
            reason
            for reason in await asyncio.gather(
                *(_answers(http, name, url) for name, url in services.items())
            )
            if reason
        ]
    if reasons:
        return JSONResponse(
            {"status": 503, "title": "Service unavailable", "detail": "; ".join(reasons)},
            status_code=503,
            media_type="application/problem+json",
        )
    return JSONResponse({"status": "ready"})


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
