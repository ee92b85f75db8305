"""A 405 lists every method the path supports in ``Allow``.

Starlette answers 405 with the methods of the first route whose path matched, so a
path served by two routes (``GET`` and ``PUT /v1/catalog/contracts/{id}``) would claim
to support only one of them (RFC 9110 §15.5.6 wants them all).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import Scope

from ticketing_common.web.problems import Problem, problem_response

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """The methods some route of the app fully matches for this request's path."""
    allowed = []
    for method in _METHODS:
        probe = {**scope, "method": method}
        if any(route.matches(probe)[0] is Match.FULL for route in app.router.routes):
            allowed.append(method)
    return allowed


def list_every_allowed_method(app: FastAPI) -> None:
    async def on_method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        allow = ", ".join(allowed_methods(app, request.scope))
        detail = f"{request.method[:20]} is not allowed here; use {allow}"
        return problem_response(
            Problem(405, detail, headers={**(exc.headers or {}), "Allow": allow}), request
        )

    app.add_exception_handler(405, on_method_not_allowed)
