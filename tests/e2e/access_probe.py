"""Tokens and requests that try every way in to an operation.

Used by the test generated from the services' OpenAPI documents: each operation is
called with no token, an expired one, one signed with another key and an unsigned one,
by each role it does not admit, by a customer of another organization and by a visitor
outside their perimeter.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import Any

import jwt

from ticketing_common.auth.issuer import issue_token
from ticketing_common.settings import DEVELOPMENT_JWT_SECRET
from ticketing_devkit.demo import DEMO_USERS, DemoUser, demo_user

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    service: str
    method: str
    path: str
    roles: frozenset[str]
    scope: str
    has_body: bool

    @property
    def name(self) -> str:
        return f"{self.service} {self.method.upper()} {self.path}"

    @property
    def path_parameters(self) -> list[str]:
        return re.findall(r"{([^}]+)}", self.path)


def operations_of(service: str, openapi: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in openapi["paths"].items():
        for method in HTTP_METHODS:
            if method not in item:
                continue
            spec = item[method]
            rule = spec.get("x-access")
            roles = frozenset(rule["roles"]) if rule else frozenset()
            scope = rule["scope"] if rule else "undeclared"
            found.append(Operation(service, method, path, roles, scope, "requestBody" in spec))
    return found


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def expired_token() -> str:
    user = demo_user("manager")
    return issue_token(
        secret=DEVELOPMENT_JWT_SECRET,
        sub=user.sub,
        name=user.name,
        org=user.org,
        roles=user.roles,
        perimeter=user.perimeter,
        ttl_seconds=-600,
    )


def foreign_key_token() -> str:
    user = demo_user("manager")
    return issue_token(
        secret="somebody-elses-secret-of-sufficient-length!",
        sub=user.sub,
        name=user.name,
        org=user.org,
        roles=[*user.roles, "ops:agent", "ops:supervisor", "ops:catalog"],
        perimeter=["*"],
    )


def unsigned_token() -> str:
    claims = jwt.decode(demo_user("supervisor").token(), options={"verify_signature": False})

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


BAD_TOKENS: dict[str, dict[str, str]] = {
    "no token": {},
    "expired token": bearer(expired_token()),
    "token signed with another key": bearer(foreign_key_token()),
    "alg none": bearer(unsigned_token()),
    "not a bearer scheme": {"Authorization": "Basic dXNlcjpwYXNz"},
}


def users_refused_by(operation: Operation) -> list[DemoUser]:
    return [user for user in DEMO_USERS if not set(user.roles) & operation.roles]


def users_admitted_by(operation: Operation) -> list[DemoUser]:
    return [user for user in DEMO_USERS if set(user.roles) & operation.roles]
