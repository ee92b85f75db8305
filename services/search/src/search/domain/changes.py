"""What one change to an incident was, as the change log keeps it for the live stream."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Any


class ChangeKind(StrEnum):
    """The kinds of ``ticket.updated`` changes, plus the declaration itself and the
    rebuild of the whole list."""

    DECLARED = "declared"
    CREATED = "created"
    STATUS_CHANGED = "status_changed"
    COMMENT_ADDED = "comment_added"
    ASSIGNED = "assigned"
    PRIORITY_CHANGED = "priority_changed"
    SLA_BREACHED = "sla_breached"
    REBUILT = "rebuilt"


@dataclass(frozen=True)
class ChangeRecord:
    """A change as it came. ``public`` says whether customers may see it at all; what
    they may see of it is decided in ``domain/visibility.py``."""

    kind: str
    public: bool
    at: datetime
    actor_kind: str | None = None
    actor_sub: str | None = None
    actor_name: str | None = None
    action: str | None = None
    from_status: str | None = None
    to_status: str | None = None
    from_priority: str | None = None
    to_priority: str | None = None
    comment: str | None = None
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        # Shallow, unlike dataclasses.asdict (which deep-copies each value): every field
        # is a plain value, and this runs once per event consumed.
        values = {name: getattr(self, name) for name in _CHANGE_FIELDS}
        values["at"] = self.at.isoformat()
        return values


_CHANGE_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(ChangeRecord))


@dataclass(frozen=True)
class ChangeEntry:
    """A row of the change log: which incident, whose, and the incident after the change."""

    declaration_id: str | None
    org_id: str | None
    contract_id: str | None
    public: bool
    kind: str
    incident: dict[str, Any] | None
    change: dict[str, Any] | None


def rebuilt_entry() -> ChangeEntry:
    """The whole list was rebuilt: every reader should reload it."""
    return ChangeEntry(
        declaration_id=None,
        org_id=None,
        contract_id=None,
        public=True,
        kind=ChangeKind.REBUILT.value,
        incident=None,
        change=None,
    )
