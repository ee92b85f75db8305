"""The map of sites: an SVG drawn from the sites' coordinates and the summary's figures."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import Response

from portal.domain.map_projection import place, site_points
from portal.web.pages import SignedInDep

router = APIRouter()


@router.get("/map")
async def sites_map(page: SignedInDep) -> Response:
    upstreams = page.portal.upstreams
    summary, sites = await asyncio.gather(
        upstreams.search.summary(page.token), upstreams.intake.sites(page.token)
    )
    drawn = place(site_points(summary, sites))
    return page.render("map.html", site_map=drawn)
