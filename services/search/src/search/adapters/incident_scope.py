"""Which incident rows a caller may see, and which they asked for, as SQL conditions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    SQLColumnExpression,
    Text,
    and_,
    false,
    func,
    literal,
    or_,
    true,
)

from search.adapters.tables import Incident
from search.domain.filters import IncidentFilters
from ticketing_common.auth.principal import Principal

LIKE_ESCAPE = "\\"


def visible_to(caller: Principal, org: str | None) -> ColumnElement[bool]:
    """Operations see every organization (or the one they name); a manager their own
    organization; a visitor the contracts of their perimeter. A customer naming another
    organization sees nothing, as if it did not exist."""
    if caller.is_operations:
        return Incident.org_id == org if org else true()
    if caller.org_id is None or (org is not None and org != caller.org_id):
        return false()
    condition: ColumnElement[bool] = Incident.org_id == caller.org_id
    if not caller.sees_whole_organization and caller.perimeter is not None:
        condition = condition & Incident.contract_id.in_(sorted(caller.perimeter))
    return condition


def _folded(value: SQLColumnExpression[Any]) -> ColumnElement[str]:
    # unaccent before lower: in a database whose collation is "C", lower() leaves
    # non-ASCII letters alone, so "É" must become "E" first.
    return func.lower(func.unaccent(value))


def _substring_pattern(text: str) -> str:
    escaped = (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


def text_matches(text: str) -> ColumnElement[bool]:
    """Case- and accent-insensitive substring of the ticket number, the customer's
    reference or the description."""
    pattern = _folded(literal(_substring_pattern(text), Text))
    return or_(
        *(
            _folded(column).like(pattern, escape=LIKE_ESCAPE)
            for column in (
                Incident.ticket_number,
                Incident.customer_reference,
                Incident.description,
            )
        )
    )


def matching(filters: IncidentFilters) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    if filters.text is not None and filters.text.strip():
        conditions.append(text_matches(filters.text.strip()))
    if filters.status is not None:
        conditions.append(Incident.status == filters.status.value)
    if filters.contract_id is not None:
        conditions.append(Incident.contract_id == filters.contract_id)
    if filters.element_id is not None:
        conditions.append(Incident.element_id == filters.element_id)
    if filters.priority is not None:
        conditions.append(Incident.priority == filters.priority.value)
    if filters.occurred_from is not None:
        conditions.append(Incident.occurred_at >= filters.occurred_from)
    if filters.occurred_to is not None:
        conditions.append(Incident.occurred_at < filters.occurred_to)
    return and_(true(), *conditions)


def selection(caller: Principal, filters: IncidentFilters) -> ColumnElement[bool]:
    return visible_to(caller, filters.org_id) & matching(filters)
