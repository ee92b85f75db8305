"""Query parameters that take several values (``?status=new&status=in_progress``).

Checked here rather than by FastAPI so a bad value is a 422 naming the parameter
itself ("status"), with the value and what would have been accepted, and every bad
parameter of the request is reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from ticketing_common.web.problems import FieldError, invalid, invalid_fields

_CLEAN = re.compile(r"[^\x00-\x1f\x7f]{1,100}")
MAX_VALUES = 50

E = TypeVar("E", bound=StrEnum)


class QueryErrors:
    """Collects the bad parameters of one request."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, message: str, code: str = "invalid") -> None:
        self.errors.append(FieldError(field, message, code=code, location="query"))

    def raise_if_any(self) -> None:
        if self.errors:
            raise invalid_fields(self.errors)

    def _count(self, field: str, values: Sequence[str]) -> bool:
        if len(values) > MAX_VALUES:
            self.add(field, f"at most {MAX_VALUES} values", "too_many")
            return False
        return True

    def choices(self, field: str, values: Sequence[str] | None, enum: type[E]) -> frozenset[E]:
        if not values or not self._count(field, values):
            return frozenset()
        allowed = {member.value: member for member in enum}
        chosen: set[E] = set()
        for value in values:
            if value in allowed:
                chosen.add(allowed[value])
            else:
                shown = value[:50].encode("unicode_escape").decode()
                self.add(field, f"unknown value {shown!r}; one of {_listed(allowed)}", "enum")
        return frozenset(chosen)

    def identifiers(self, field: str, values: Sequence[str] | None) -> frozenset[str]:
        if not values or not self._count(field, values):
            return frozenset()
        for value in values:
            if not _CLEAN.fullmatch(value):
                self.add(field, "1 to 100 characters, no control characters", "identifier")
                return frozenset()
        return frozenset(values)


def _listed(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))


def in_utc(field: str, value: datetime | None) -> datetime | None:
    """The time in UTC; a time whose UTC falls off the calendar (year 0 or 10000) is
    refused here rather than failing in the database driver."""
    if value is None:
        return None
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise invalid(field, "out of the supported range", location="query") from exc
