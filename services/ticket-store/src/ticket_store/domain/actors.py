"""Who acts on a ticket, as the lifecycle sees them.

The identity provider's roles are folded into four: a customer (visitor or manager:
what they may see is decided before the lifecycle is asked), an agent, a supervisor
(an agent who may also override priorities, cancel and reassign) and the system itself
(the periodic jobs).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ticketing_common.auth.principal import CUSTOMER_ROLES, OPERATIONS_ROLES, Role


class ActorRole(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    SYSTEM = "system"


OPERATIONS: Final = frozenset({ActorRole.AGENT, ActorRole.SUPERVISOR})


@dataclass(frozen=True)
class Actor:
    role: ActorRole
    sub: str | None = None
    name: str | None = None
    email: str | None = None

    @property
    def is_operations(self) -> bool:
        return self.role in OPERATIONS


SYSTEM: Final = Actor(ActorRole.SYSTEM)


def actor_role(roles: frozenset[Role]) -> ActorRole | None:
    """The lifecycle role of somebody holding ``roles``; None for who may not act
    (``ops:catalog`` alone)."""
    if Role.OPS_SUPERVISOR in roles:
        return ActorRole.SUPERVISOR
    if Role.OPS_AGENT in roles:
        return ActorRole.AGENT
    if roles & OPERATIONS_ROLES:
        # Operations staff see every organization: never let them act as a customer.
        return None
    if roles & CUSTOMER_ROLES:
        return ActorRole.CUSTOMER
    return None
