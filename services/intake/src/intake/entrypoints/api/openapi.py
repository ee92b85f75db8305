"""The OpenAPI document tells the errors as they are sent: ``application/problem+json``.

FastAPI documents a 422 of its own shape (``{"detail": [...]}``) and no other error,
while every error here is a problem (RFC 9457). A client generated from the document,
and schemathesis checking responses against it, must see the truth: each operation
lists the problems it can answer (401 and 403 where a token is needed, 404 where a path
names an object, 422 where input is read, 400 where a body may not even decode, and
those the route declares) with their schema, and FastAPI's own validation schemas are
dropped.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from ticketing_common.web.problems import PROBLEM_CONTENT_TYPE

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error, as RFC 9457 describes it.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "On 422: one entry per bad field.",
            "items": {"$ref": "#/components/schemas/FieldError"},
        },
    },
}
FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["field", "in", "message", "code"],
    "properties": {
        "field": {"type": "string", "description": "e.g. notify[1].email"},
        "in": {"type": "string", "enum": ["body", "query", "path", "header", "cookie"]},
        "message": {"type": "string"},
        "code": {"type": "string"},
    },
}
DESCRIPTIONS = {
    400: "Malformed request",
    401: "No token, or a bad one",
    403: "The caller's roles do not allow this operation",
    404: "Not found, or not the caller's to see",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    429: "Too many requests: retry after Retry-After seconds",
    422: "Invalid request: each bad field is named in errors",
    503: "Not ready, with the reason",
}
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def _problem(status: int, description: str | None = None) -> dict[str, Any]:
    return {
        "description": description or DESCRIPTIONS.get(status, "Error"),
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _document_operation(path: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    statuses = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
    if operation.get("x-access", {}).get("scope") != "public":
        statuses |= {401, 403}
    if "{" in path:
        statuses.add(404)
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.add(422)
    if operation.get("requestBody"):
        statuses.add(400)  # a body that cannot even be decoded
    for status in sorted(statuses):
        declared = responses.get(str(status), {})
        description = declared.get("description")
        if status == 422 or description in (None, "Validation Error"):
            description = None
        responses[str(status)] = _problem(status, description)


def document_problems(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = generate()
        for path, item in document.get("paths", {}).items():
            for operation in item.values():
                if isinstance(operation, dict) and "responses" in operation:
                    _document_operation(path, operation)
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        for name in _FASTAPI_VALIDATION_SCHEMAS:
            schemas.pop(name, None)
        schemas["Problem"] = PROBLEM_SCHEMA
        schemas["FieldError"] = FIELD_ERROR_SCHEMA
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
