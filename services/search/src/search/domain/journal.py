"""What the journal records of an event, read from the envelope as it came: the
journal keeps events of types search has no model for, so it reads them generically."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

ORG_MAX = 100
TICKET_NUMBER_MAX = 20


@dataclass(frozen=True)
class JournalRecord:
    event_id: str
    type: str
    source: str
    subject: str | None
    time: datetime
    correlation_id: str
    org_id: str | None
    ticket_number: str | None
    envelope: dict[str, Any]


def _text(value: object, limit: int) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def _field(data: Mapping[str, Any], name: str, limit: int) -> str | None:
    """``name`` in the data, or in the ticket it carries (``ticket.updated``'s shape)."""
    found = _text(data.get(name), limit)
    ticket = data.get("ticket")
    if found is None and isinstance(ticket, Mapping):
        found = _text(ticket.get(name), limit)
    return found


def journal_record(
    *,
    event_id: str,
    event_type: str,
    source: str,
    subject: str | None,
    time: datetime,
    correlation_id: str,
    envelope: dict[str, Any],
) -> JournalRecord:
    data = envelope.get("data")
    facts: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
    return JournalRecord(
        event_id=event_id,
        type=event_type,
        source=source,
        subject=subject,
        time=time,
        correlation_id=correlation_id,
        org_id=_field(facts, "org_id", ORG_MAX),
        ticket_number=_field(facts, "ticket_number", TICKET_NUMBER_MAX),
        envelope=envelope,
    )
