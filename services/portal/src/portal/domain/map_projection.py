"""The map of sites: coordinates placed in an SVG viewport, no tiles.

An equirectangular projection, its longitudes shrunk by the cosine of the middle
latitude so that distances look right at the sites' latitudes, fitted to the viewport
with a margin and the aspect kept. Good for the spread of one organization's sites
(a country, a continent); not a world map.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 800
HEIGHT = 500
MARGIN = 70
PRIORITY_ORDER = ("P1", "P2", "P3", "P4")


@dataclass(frozen=True)
class SitePoint:
    id: str
    name: str
    latitude: float
    longitude: float
    incidents: int = 0
    open: int = 0
    highest_priority: str | None = None


@dataclass(frozen=True)
class PlacedSite:
    site: SitePoint
    x: float
    y: float
    radius: float


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True)
class SiteMap:
    width: int
    height: int
    sites: tuple[PlacedSite, ...]
    graticule: tuple[Line, ...]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def site_points(
    summary: Mapping[str, Any], catalog_sites: Sequence[Mapping[str, Any]]
) -> list[SitePoint]:
    """Every site with coordinates: the catalog's sites (where they are, even without an
    incident) and the summary's (``sites``: coordinates, incidents, open incidents and
    highest open priority; else only ``by_site`` counts), merged by site id."""
    counts = summary.get("by_site")
    by_site: Mapping[str, Any] = counts if isinstance(counts, Mapping) else {}
    figures = {
        str(row.get("site_id")): row
        for row in summary.get("sites") or []
        if isinstance(row, Mapping) and row.get("site_id")
    }
    catalog = {
        str(site.get("id")): site
        for site in catalog_sites
        if isinstance(site, Mapping) and site.get("id")
    }
    points: list[SitePoint] = []
    for site_id in [*catalog, *(key for key in figures if key not in catalog)]:
        place_of = catalog.get(site_id, {})
        figure = figures.get(site_id, {})
        latitude = _number(figure.get("latitude"))
        longitude = _number(figure.get("longitude"))
        if latitude is None or longitude is None:
            latitude, longitude = (
                _number(place_of.get("latitude")),
                _number(place_of.get("longitude")),
            )
        if latitude is None or longitude is None:
            continue
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            continue
        total = figure.get("incidents", by_site.get(site_id, 0))
        open_count = figure.get("open", total)
        priority = figure.get("highest_open_priority")
        points.append(
            SitePoint(
                id=site_id,
                name=str(place_of.get("name") or figure.get("name") or site_id),
                latitude=latitude,
                longitude=longitude,
                incidents=total if isinstance(total, int) else 0,
                open=open_count if isinstance(open_count, int) else 0,
                highest_priority=priority if priority in PRIORITY_ORDER else None,
            )
        )
    return points


def _radius(open_count: int) -> float:
    return round(min(8.0 + 5.0 * math.sqrt(max(open_count, 0)), 40.0), 1)


def place(
    sites: Sequence[SitePoint], width: int = WIDTH, height: int = HEIGHT, margin: int = MARGIN
) -> SiteMap:
    if not sites:
        return SiteMap(width, height, (), ())
    middle = math.radians(sum(s.latitude for s in sites) / len(sites))
    shrink = max(math.cos(middle), 0.1)
    xs = [s.longitude * shrink for s in sites]
    ys = [s.latitude for s in sites]
    # At least a degree across, so one site (or sites on one spot) sits in the middle.
    span_x = max(max(xs) - min(xs), 1.0)
    span_y = max(max(ys) - min(ys), 1.0)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    center_x = (max(xs) + min(xs)) / 2
    center_y = (max(ys) + min(ys)) / 2

    def to_x(longitude: float) -> float:
        return round(width / 2 + (longitude * shrink - center_x) * scale, 1)

    def to_y(latitude: float) -> float:
        return round(height / 2 - (latitude - center_y) * scale, 1)

    placed = tuple(
        PlacedSite(site, to_x(site.longitude), to_y(site.latitude), _radius(site.open))
        for site in sites
    )
    return SiteMap(width, height, placed, _graticule(to_x, to_y, width, height, scale, shrink))


def _graticule(
    to_x: Any, to_y: Any, width: int, height: int, scale: float, shrink: float
) -> tuple[Line, ...]:
    """Parallels and meridians every 1, 2, 5 or 10 degrees, whichever gives a few lines."""
    step = next(
        (s for s in (1, 2, 5, 10, 20) if height / (s * scale) <= 8),
        30,
    )
    lines: list[Line] = []
    lat_top = _inverse_y(0, to_y, scale)
    lat_bottom = _inverse_y(height, to_y, scale)
    for degree in range(math.floor(lat_bottom / step) * step, math.ceil(lat_top) + 1, step):
        y = to_y(degree)
        if 0 <= y <= height:
            lines.append(Line(0, y, width, y, f"{degree}°"))
    lon_left = _inverse_x(0, to_x, scale, shrink)
    lon_right = _inverse_x(width, to_x, scale, shrink)
    for degree in range(math.floor(lon_left / step) * step, math.ceil(lon_right) + 1, step):
        x = to_x(degree)
        if 0 <= x <= width:
            lines.append(Line(x, 0, x, height, f"{degree}°"))
    return tuple(lines)


def _inverse_y(y: float, to_y: Any, scale: float) -> float:
    # to_y is affine: y = to_y(0) - latitude * scale
    return float((to_y(0) - y) / scale)


def _inverse_x(x: float, to_x: Any, scale: float, shrink: float) -> float:
    return float((x - to_x(0)) / (scale * shrink))
