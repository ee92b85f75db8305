"""Dates as a reader of each language writes them, without depending on the host's
locales (a container rarely has them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ticketing_common.reference import Language

_MONTHS = {
    Language.FR: (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    Language.EN: (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


def format_moment(moment: datetime, language: Language) -> str:
    """``26 novembre 2026 à 16:56 (UTC+01:00)``: in the offset the customer gave, which
    is the time they saw on their clock, with the offset so nobody has to guess it."""
    month = _MONTHS[language][moment.month - 1]
    clock = f"{moment.hour:02d}:{moment.minute:02d}"
    offset = _offset(moment.utcoffset())
    if language is Language.FR:
        return f"{moment.day} {month} {moment.year} à {clock} ({offset})"
    return f"{moment.day} {month} {moment.year} at {clock} ({offset})"


def in_offset_of(moment: datetime, reference: datetime) -> datetime:
    """``moment`` on the clock of ``reference`` (its UTC offset): the times of a ticket
    shown in the offset the customer declared the incident in."""
    zone = reference.tzinfo if reference.utcoffset() is not None else UTC
    return moment.astimezone(zone)


def _offset(delta: timedelta | None) -> str:
    if delta is None:
        return "UTC"
    minutes = int(delta.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"
