"""Who may call an endpoint, declared on the endpoint itself.

Every route declares ``**access(...)`` (or ``**public()``): the check runs as a
dependency and the rule is written into the OpenAPI document as ``x-access``, where a
test finds any operation that declares none. The object-level rule (organization,
perimeter) is then applied by the endpoint with the ``Principal``'s methods, answering
404 for what the caller may not see.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ticketing_common.auth.principal import Principal, Role
from ticketing_common.auth.tokens import InvalidToken, TokenVerifier
from ticketing_common.web.problems import Problem


class Scope(StrEnum):
    """How an endpoint's objects are scoped for the caller."""

    PUBLIC = "public"  # no token
    ORGANIZATION = "organization"  # the caller's organization (operations: all)
    PERIMETER = "perimeter"  # the contracts of the caller's perimeter (operations: all)
    OPERATIONS = "operations"  # operations staff only, every organization


_bearer = HTTPBearer(auto_error=False, description="A JWT from the identity provider.")


def _unauthorized(detail: str) -> Problem:
    return Problem(
        401,
        detail,
        slug="unauthorized",
        headers={"WWW-Authenticate": 'Bearer realm="ticketing"'},
    )


async def get_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("a bearer token is required")
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        return await verifier.verify(credentials.credentials)
    except InvalidToken as exc:
        raise _unauthorized(f"invalid token: {exc}") from exc


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def access(roles: frozenset[Role], scope: Scope) -> dict[str, Any]:
    """Keyword arguments for a route decorator: the roles that may call it, and its scope."""
    if scope is Scope.PUBLIC or not roles:
        raise ValueError("use public() for an endpoint without a token")
    allowed = frozenset(roles)

    async def require_role(principal: CurrentPrincipal) -> None:
        if not principal.has_any(allowed):
            raise Problem(403, "your roles do not allow this operation", slug="forbidden")

    return {
        "dependencies": [Depends(require_role)],
        "openapi_extra": {"x-access": {"roles": sorted(allowed), "scope": scope.value}},
    }


def public() -> dict[str, Any]:
    return {"openapi_extra": {"x-access": {"roles": [], "scope": Scope.PUBLIC.value}}}
