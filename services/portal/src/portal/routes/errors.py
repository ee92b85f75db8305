"""What the visitor sees when something goes wrong: a page in their language, never a
stack trace; JSON problems for the scripts' own requests."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from portal.clients.base import ApiError, ServiceUnavailable
from portal.routes.incident_loading import IncidentNotFound
from portal.web.pages import CsrfRefused, Forbidden, SignInRequired, current_page
from ticketing_common.logging import get_logger

log = get_logger("portal.errors")


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept or "text/event-stream" in accept


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse(
        {"status": status, "detail": detail},
        status_code=status,
        media_type="application/problem+json",
    )


def error_page(request: Request, status: int, message_key: str, detail: str = "") -> Response:
    if wants_json(request):
        return _problem(status, current_page(request).t(message_key))
    page = current_page(request)
    return page.render("error.html", status_code=status, message_key=message_key, detail=detail)


async def _sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    if wants_json(request) or request.method != "GET":
        return _problem(401, "sign in again")
    return RedirectResponse("/auth/sign-in?" + urlencode({"next": exc.next_path}), status_code=303)


async def _forbidden(request: Request, exc: Exception) -> Response:
    return error_page(request, 403, "error.forbidden")


async def _csrf(request: Request, exc: Exception) -> Response:
    log.warning("csrf refused", path=request.url.path)
    return error_page(request, 403, "error.csrf")


async def _unavailable(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceUnavailable)
    log.warning("service unavailable", service=exc.service, detail=exc.detail)
    return error_page(request, 503, "error.unavailable", exc.service)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    if exc.status == 404:
        return error_page(request, 404, "error.not_found")
    if exc.status == 401:
        return await _sign_in_required(request, SignInRequired(request.url.path))
    if exc.status == 403:
        return error_page(request, 403, "error.forbidden")
    if exc.status == 429:
        return error_page(request, 429, "error.too_many")
    return error_page(request, exc.status, "error.refused", exc.detail)


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return error_page(request, 404, "error.not_found")
    if exc.status_code == 405:
        return error_page(request, 405, "error.refused")
    return error_page(request, exc.status_code, "error.refused", str(exc.detail))


async def _incident_not_found(request: Request, exc: Exception) -> Response:
    return error_page(request, 404, "error.not_found")


async def _invalid_request(request: Request, exc: Exception) -> Response:
    return error_page(request, 400, "error.bad_request")


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.error("unexpected error", path=request.url.path, exc_info=exc)
    return error_page(request, 500, "error.unexpected")


def install(app: FastAPI) -> None:
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(CsrfRefused, _csrf)
    app.add_exception_handler(ServiceUnavailable, _unavailable)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(IncidentNotFound, _incident_not_found)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(Exception, _unexpected)
