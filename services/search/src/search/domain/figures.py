"""The dashboard's figures, rolled up from one count per (status, priority, contract,
site): every figure comes from the same counts, so they always agree with each other."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from search.domain.status import OPEN_INCIDENT_STATUSES, IncidentStatus
from ticketing_common.reference import Priority


@dataclass(frozen=True)
class Group:
    """How many incidents share one status, priority, contract and site."""

    status: IncidentStatus
    priority: Priority | None
    contract_id: str
    site_id: str | None
    count: int


@dataclass(frozen=True)
class SiteCounts:
    incidents: int
    open: int
    # The highest priority among the open incidents ("P1" is the highest).
    highest_open_priority: Priority | None


@dataclass(frozen=True)
class Figures:
    by_status: dict[IncidentStatus, int]
    by_priority: dict[Priority, int]
    by_contract: dict[str, int]
    by_site: dict[str, SiteCounts]
    total: int
    open: int


def _higher(first: Priority | None, second: Priority | None) -> Priority | None:
    if first is None or second is None:
        return first or second
    return min(first, second)


def roll_up(groups: Iterable[Group]) -> Figures:
    """Every status and priority appears (zero included); an incident without a
    priority yet (registering) or without a site is counted in the totals only."""
    by_status = dict.fromkeys(IncidentStatus, 0)
    by_priority = dict.fromkeys(Priority, 0)
    by_contract: dict[str, int] = {}
    sites: dict[str, SiteCounts] = {}
    total = open_total = 0
    for group in groups:
        is_open = group.status in OPEN_INCIDENT_STATUSES
        total += group.count
        open_total += group.count if is_open else 0
        by_status[group.status] += group.count
        if group.priority is not None:
            by_priority[group.priority] += group.count
        by_contract[group.contract_id] = by_contract.get(group.contract_id, 0) + group.count
        if group.site_id is not None:
            known = sites.get(group.site_id, SiteCounts(0, 0, None))
            sites[group.site_id] = SiteCounts(
                incidents=known.incidents + group.count,
                open=known.open + (group.count if is_open else 0),
                highest_open_priority=_higher(
                    known.highest_open_priority, group.priority if is_open else None
                ),
            )
    return Figures(by_status, by_priority, by_contract, sites, total, open_total)
