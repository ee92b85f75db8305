"""Dates, times and durations as a person reads them, in their language and time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from portal.domain.languages import Lang

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_time(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def format_datetime(value: object, lang: Lang, zone: ZoneInfo) -> str:
    moment = parse_time(value)
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    if lang == "fr":
        return moment.strftime("%d/%m/%Y %H:%M")
    return f"{moment.day} {_MONTHS_EN[moment.month - 1]} {moment.year}, {moment:%H:%M}"


def iso_attribute(value: object) -> str:
    """For ``<time datetime="...">``."""
    moment = parse_time(value)
    return moment.isoformat() if moment is not None else ""
