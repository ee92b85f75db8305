"""Replaying journaled events in batches: each batch folded in memory, per declaration
and per site, with the same pure merge rules as the consumer (for the rebuild)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from pydantic import ValidationError

from search.domain.incident import IncidentRecord, merge
from search.domain.projection import (
    SiteRecord,
    merge_site,
    record_from_declaration,
    record_from_ticket,
    site_from_declaration,
)
from ticketing_common.events import EventData, IncidentDeclaredV1, TicketUpdatedV1

DataT = TypeVar("DataT", bound=EventData)


class Unreadable(Exception):
    """An event the projection cannot read (the models changed since it was journaled)."""


@dataclass
class Fold:
    incidents: dict[str, IncidentRecord]
    sites: dict[str, SiteRecord]
    unreadable: int = 0


def _read_json(model: type[DataT], data: str) -> DataT:
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        raise Unreadable(model.event_type) from exc


def fold_events(events: Sequence[tuple[str, str]]) -> Fold:
    """The records a batch of journaled events (type, data as JSON) makes, merged per
    declaration and per site; events of other types make none."""
    fold = Fold({}, {})
    for event_type, data in events:
        try:
            if event_type == IncidentDeclaredV1.event_type:
                declared = _read_json(IncidentDeclaredV1, data)
                record = record_from_declaration(declared)
                site = site_from_declaration(declared)
                if site is not None:
                    fold.sites[site.site_id] = merge_site(fold.sites.get(site.site_id), site)
            elif event_type == TicketUpdatedV1.event_type:
                updated = _read_json(TicketUpdatedV1, data)
                if updated.version != updated.ticket.version:
                    raise Unreadable("versions differ")
                record = record_from_ticket(updated)
            else:
                continue
        except Unreadable:
            fold.unreadable += 1
            continue
        key = record.declaration_id
        fold.incidents[key] = merge(fold.incidents.get(key), record)
    return fold
