"""The dashboard: counts by status, priority, contract and site, from search's summary."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from portal.domain.incident_filters import PRIORITIES, STATUSES
from portal.web.pages import SignedInDep

router = APIRouter()


def _counts(summary: dict[str, Any], name: str) -> dict[str, int]:
    found = summary.get(name)
    if not isinstance(found, dict):
        return {}
    return {str(k): int(v) for k, v in found.items() if isinstance(v, int)}


@router.get("/dashboard")
async def dashboard(page: SignedInDep) -> Response:
    upstreams = page.portal.upstreams
    summary, contracts, sites = await asyncio.gather(
        upstreams.search.summary(page.token),
        upstreams.intake.contracts(page.token),
        upstreams.intake.sites(page.token),
    )
    by_status = _counts(summary, "by_status")
    return page.render(
        "dashboard.html",
        total=int(summary.get("total", 0) or 0),
        by_status=[(code, by_status.get(code, 0)) for code in STATUSES],
        by_priority=[(code, _counts(summary, "by_priority").get(code, 0)) for code in PRIORITIES],
        by_contract=sorted(_counts(summary, "by_contract").items()),
        by_site=sorted(_counts(summary, "by_site").items()),
        contract_names={
            c["id"]: f"{c.get('number', '')} – {c.get('label', '')}" for c in contracts
        },
        site_names={s["id"]: s.get("name", s["id"]) for s in sites},
        largest=max([1, *by_status.values()]),
    )
