"""What changed between two readings of a list, for when a service offers no stream
and the portal polls it instead."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Fingerprint = dict[str, tuple[str, ...]]


def fingerprint(
    rows: Iterable[Mapping[str, Any]], key: str, fields: tuple[str, ...]
) -> Fingerprint:
    return {
        str(row.get(key)): tuple(str(row.get(name)) for name in fields)
        for row in rows
        if row.get(key) is not None
    }


def changed(before: Fingerprint, after: Fingerprint) -> list[str]:
    """Keys new in ``after`` or whose fields differ, in ``after``'s order."""
    return [key for key, value in after.items() if before.get(key) != value]
