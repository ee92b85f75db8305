"""Errors as ``application/problem+json`` (RFC 9457), naming each bad field on 422."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from ticketing_common.db.errors import is_transient_database_error
from ticketing_common.logging import get_logger

log = get_logger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:ticketing:problem:"

_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Invalid request",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal error",
    503: "Service unavailable",
}


class FieldError(dict[str, str]):
    """One entry of a 422's ``errors``: ``field``, ``in``, ``message``, ``code``."""

    def __init__(self, field: str, message: str, *, location: str = "body", code: str = "invalid"):
        super().__init__(field=field, message=message, code=code, **{"in": location})


class Problem(Exception):
    def __init__(
        self,
        status: int,
        detail: str,
        *,
        slug: str | None = None,
        title: str | None = None,
        errors: Sequence[Mapping[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.slug = slug or _slug(status)
        self.title = title or _TITLES.get(status, "Error")
        self.errors = list(errors) if errors else None
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    def to_body(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": TYPE_PREFIX + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


def _slug(status: int) -> str:
    return _TITLES.get(status, "error").lower().replace(" ", "-")


def invalid(field: str, message: str, *, code: str = "invalid", location: str = "body") -> Problem:
    """A 422 naming one field."""
    return Problem(
        422,
        f"{field}: {message}",
        slug="validation-error",
        errors=[FieldError(field, message, code=code, location=location)],
    )


def invalid_fields(errors: Sequence[FieldError]) -> Problem:
    fields = ", ".join(error["field"] for error in errors)
    return Problem(422, f"invalid fields: {fields}", slug="validation-error", errors=errors)


def not_found(what: str) -> Problem:
    return Problem(404, f"{what} was not found", slug="not-found")


def problem_response(problem: Problem, request: Request | None = None) -> JSONResponse:
    instance = request.url.path if request is not None else None
    return JSONResponse(
        problem.to_body(instance),
        status_code=problem.status,
        headers=problem.headers,
        media_type=PROBLEM_CONTENT_TYPE,
    )


def field_path(location: Sequence[int | str]) -> tuple[str, str]:
    """(where, field) from a pydantic location: ('body', 'notify', 1, 'email') ->
    ('body', 'notify[1].email')."""
    parts = list(location)
    where = (
        str(parts.pop(0))
        if parts and parts[0] in {"body", "query", "path", "header", "cookie"}
        else "body"
    )
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return where, text or where


def validation_errors(errors: Sequence[Any]) -> list[FieldError]:
    result: list[FieldError] = []
    for error in errors:
        where, field = field_path(error.get("loc", ()))
        message = str(error.get("msg", "invalid value"))
        result.append(
            FieldError(field, message, code=str(error.get("type", "invalid")), location=where)
        )
    return result


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(exc, request)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(jsonable_encoder(exc.errors(), exclude={"input", "ctx", "url"}))
    return problem_response(invalid_fields(errors), request)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
    problem = Problem(exc.status_code, detail, headers=exc.headers)
    return problem_response(problem, request)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error", path=request.url.path, exc_info=exc)
    return problem_response(Problem(500, "an unexpected error occurred"), request)


async def _on_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """The database is away (restarting, failing over) or every connection of the pool
    is busy: the same request will succeed in a moment, and a client should know it may
    retry. (A refused connection reaches here as a plain ``ConnectionError``.)

    Registered for these exception types rather than left to the catch-all, which
    Starlette follows with the traceback in the server's log even once answered.
    """
    if not is_transient_database_error(exc):
        return await _on_unexpected(request, exc)
    log.warning("database unavailable", path=request.url.path, error=type(exc).__name__)
    unavailable = Problem(
        503,
        "the database is unavailable; retry in a moment",
        slug="database-unavailable",
        headers={"Retry-After": "2"},
    )
    return problem_response(unavailable, request)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    for unavailable in (DBAPIError, PoolTimeout, ConnectionError):
        app.add_exception_handler(unavailable, _on_unavailable)
    app.add_exception_handler(Exception, _on_unexpected)
