"""The authenticated caller and the rules of what they may see.

A customer acts within one organization and, as a visitor, within the contracts of
their perimeter; a manager sees the whole organization; operations roles see every
organization. These are pure rules, used by every service's endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ticketing_common.reference import Language


class Role(StrEnum):
    CUSTOMER_VISITOR = "customer:visitor"
    CUSTOMER_MANAGER = "customer:manager"
    OPS_AGENT = "ops:agent"
    OPS_SUPERVISOR = "ops:supervisor"
    OPS_CATALOG = "ops:catalog"


CUSTOMER_ROLES: Final = frozenset({Role.CUSTOMER_VISITOR, Role.CUSTOMER_MANAGER})
OPERATIONS_ROLES: Final = frozenset({Role.OPS_AGENT, Role.OPS_SUPERVISOR, Role.OPS_CATALOG})
ALL_CONTRACTS: Final = "*"


@dataclass(frozen=True)
class Principal:
    sub: str
    name: str
    email: str | None
    org_id: str | None
    roles: frozenset[Role]
    # Contract ids a customer may act on; None means every contract of the organization.
    perimeter: frozenset[str] | None
    language: Language = Language.FR

    @property
    def is_operations(self) -> bool:
        return bool(self.roles & OPERATIONS_ROLES)

    @property
    def is_customer(self) -> bool:
        return not self.is_operations and bool(self.roles & CUSTOMER_ROLES)

    @property
    def sees_whole_organization(self) -> bool:
        return self.is_operations or Role.CUSTOMER_MANAGER in self.roles

    def has_any(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)

    def may_see_organization(self, org_id: str) -> bool:
        return self.is_operations or (self.org_id is not None and org_id == self.org_id)

    def may_act_on_contract(self, org_id: str, contract_id: str) -> bool:
        """Whether this caller may declare on, or follow incidents of, this contract:
        a visitor within their perimeter, a manager anywhere in their organization."""
        if self.is_operations:
            return True
        if not self.may_see_organization(org_id):
            return False
        if self.perimeter is None or Role.CUSTOMER_MANAGER in self.roles:
            return True
        return contract_id in self.perimeter

    def may_see_incident(self, org_id: str, contract_id: str) -> bool:
        return self.may_act_on_contract(org_id, contract_id)
