"""The scope rules of ``Principal`` as SQL conditions, for queries that list objects.

One place for the rule "a visitor sees the contracts of their perimeter, a manager their
organization, operations everything", so a list can never drift from what
``Principal.may_act_on_contract`` answers for one object (a test checks they agree).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, true

from ticketing_common.auth.principal import Principal, Role


def organization_condition(
    principal: Principal, org_column: Any, org_filter: str | None = None
) -> ColumnElement[bool]:
    """Rows of the caller's organization (operations: all, or ``org_filter``)."""
    if principal.is_operations:
        return org_column == org_filter if org_filter else true()
    if principal.org_id is None or (org_filter is not None and org_filter != principal.org_id):
        return false()
    return org_column == principal.org_id  # type: ignore[no-any-return]


def contract_condition(
    principal: Principal, org_column: Any, contract_column: Any, org_filter: str | None = None
) -> ColumnElement[bool]:
    """Rows on the contracts the caller may act on: ``may_act_on_contract`` in SQL."""
    condition = organization_condition(principal, org_column, org_filter)
    if principal.is_operations:
        return condition
    if principal.perimeter is not None and Role.CUSTOMER_MANAGER not in principal.roles:
        return condition & contract_column.in_(sorted(principal.perimeter))  # type: ignore[no-any-return]
    return condition
