"""A customer organization of its own for each API test, and its users' tokens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ticketing_common.events import CloudEvent, IncidentDeclaredV1

from .conftest import token
from .factories import declared, unique

OPERATIONS = token(roles=["ops:agent"], sub="u-ops")


@dataclass(frozen=True)
class Tenant:
    org_id: str = field(default_factory=lambda: unique("ORG"))
    suffix: str = field(default_factory=lambda: unique("x"))

    def contract(self, number: int) -> str:
        return f"CT-{self.suffix}-{number}"

    def declaration(self, contract: int = 1, **overrides: Any) -> CloudEvent[IncidentDeclaredV1]:
        values: dict[str, Any] = {
            "org_id": self.org_id,
            "contract_id": self.contract(contract),
            "element_id": f"EL-{self.suffix}-{contract}",
        }
        values.update(overrides)
        return declared(**values)

    def visitor(self, *contracts: int) -> dict[str, str]:
        return token(
            roles=["customer:visitor"],
            org=self.org_id,
            perimeter=[self.contract(number) for number in contracts],
        )

    def visitor_of_all(self) -> dict[str, str]:
        return token(roles=["customer:visitor"], org=self.org_id, perimeter=["*"])

    def manager(self, *contracts: int) -> dict[str, str]:
        perimeter = [self.contract(number) for number in contracts] or ["*"]
        return token(roles=["customer:manager"], org=self.org_id, perimeter=perimeter)
