"""Who the caller is (tokens) and what they may reach (roles, organization, perimeter)."""

from ticketing_common.auth.principal import (
    CUSTOMER_ROLES,
    OPERATIONS_ROLES,
    Principal,
    Role,
)
from ticketing_common.auth.tokens import InvalidToken, TokenVerifier

__all__ = [
    "CUSTOMER_ROLES",
    "OPERATIONS_ROLES",
    "InvalidToken",
    "Principal",
    "Role",
    "TokenVerifier",
]
