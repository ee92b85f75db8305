"""Development tokens, so nobody hand-crafts a JWT (signed with the HS256 secret)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

import jwt


def issue_token(
    *,
    secret: str,
    sub: str,
    name: str,
    email: str | None = None,
    org: str | None = None,
    roles: Iterable[str] = (),
    perimeter: Iterable[str] | None = None,
    locale: str | None = None,
    issuer: str = "ticketing-dev",
    audience: str = "ticketing",
    ttl_seconds: int = 12 * 3600,
    now: float | None = None,
) -> str:
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "sub": sub,
        "name": name,
        "iss": issuer,
        "aud": audience,
        "iat": issued,
        "exp": issued + ttl_seconds,
        "roles": list(roles),
    }
    if email:
        claims["email"] = email
    if org:
        claims["org"] = org
    if perimeter is not None:
        claims["perimeter"] = list(perimeter)
    if locale:
        claims["locale"] = locale
    return jwt.encode(claims, secret, algorithm="HS256")
