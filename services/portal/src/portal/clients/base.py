"""What every client of a service shares: the caller's token, errors, capabilities.

The portal is a plain client of the public API: each call carries the signed-in user's
bearer token, so every scope rule stays the service's. A problem+json answer becomes an
``ApiError`` the pages show at its fields; a service that does not answer becomes
``ServiceUnavailable``. Which endpoints a service offers is read from its OpenAPI
document (cached a little while), so a page can say plainly that a feature is not
available yet rather than fail.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

JSON = dict[str, Any]
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
CAPABILITIES_TTL_SECONDS = 30.0


class ServiceUnavailable(Exception):
    """The service did not answer, timed out, or failed (5xx)."""

    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"{service}: {detail}")
        self.service = service
        self.detail = detail


@dataclass
class ApiError(Exception):
    """A 4xx answer, with its problem+json body."""

    service: str
    status: int
    problem: JSON = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.service} answered {self.status}: {self.detail}"

    @property
    def detail(self) -> str:
        return str(self.problem.get("detail") or self.problem.get("title") or "")

    @property
    def field_errors(self) -> list[JSON]:
        errors = self.problem.get("errors")
        return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def _template(path: str) -> str:
    return _PLACEHOLDER.sub("{}", path)


@dataclass
class _Capabilities:
    operations: frozenset[tuple[str, str]]
    fetched_at: float


class ServiceClient:
    """One service's base URL over the portal's shared HTTP connection pool."""

    def __init__(self, name: str, base_url: str, http: httpx.AsyncClient) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self._http = http
        self._capabilities: _Capabilities | None = None

    def _url(self, path: str) -> str:
        return self.base_url + path

    @staticmethod
    def _headers(token: str | None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        headers.update(extra or {})
        return headers

    async def request(
        self,
        method: str,
        path: str,
        token: str | None,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        files: Any = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        """The answer when 2xx; ``ApiError`` for 4xx, ``ServiceUnavailable`` otherwise."""
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            response = await self._http.request(
                method,
                self._url(path),
                params=clean,
                json=json,
                files=files,
                headers=self._headers(token, headers),
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.TimeoutException as exc:
            raise ServiceUnavailable(self.name, "timed out") from exc
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(self.name, f"unreachable ({type(exc).__name__})") from exc
        raise_for_problem(self.name, response)
        return response

    async def get_json(
        self, path: str, token: str | None, params: Mapping[str, Any] | None = None
    ) -> JSON:
        response = await self.request("GET", path, token, params=params)
        body = response.json()
        return body if isinstance(body, dict) else {"items": body}

    @asynccontextmanager
    async def stream(
        self,
        path: str,
        token: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        accept: str = "text/event-stream",
    ) -> AsyncIterator[httpx.Response]:
        """A streamed GET (Server-Sent Events, a download): no read timeout; the caller
        reads the body as it comes."""
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        request = self._http.build_request(
            "GET",
            self._url(path),
            params=clean,
            headers=self._headers(token, {"Accept": accept, **(headers or {})}),
            timeout=httpx.Timeout(10.0, read=None),
        )
        try:
            response = await self._http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(self.name, f"unreachable ({type(exc).__name__})") from exc
        try:
            if response.status_code >= 400:
                await response.aread()
                raise_for_problem(self.name, response)
            yield response
        finally:
            await response.aclose()

    async def supports(self, method: str, path: str) -> bool:
        """Whether the service's OpenAPI document lists this operation (path template)."""
        now = time.monotonic()
        cached = self._capabilities
        if cached is None or now - cached.fetched_at > CAPABILITIES_TTL_SECONDS:
            try:
                response = await self._http.get(self._url("/openapi.json"), timeout=5.0)
                response.raise_for_status()
                document = response.json()
            except (httpx.HTTPError, ValueError):
                # Unknown: assume it is there and let the call itself tell.
                return True
            operations = {
                (verb.upper(), _template(route))
                for route, item in (document.get("paths") or {}).items()
                if isinstance(item, dict)
                for verb in item
            }
            cached = _Capabilities(frozenset(operations), now)
            self._capabilities = cached
        return (method.upper(), _template(path)) in cached.operations


def raise_for_problem(service: str, response: httpx.Response) -> None:
    if response.status_code < 400:
        return
    if response.status_code >= 500:
        raise ServiceUnavailable(service, f"answered {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        body = {"detail": response.text[:200]}
    raise ApiError(
        service,
        response.status_code,
        body if isinstance(body, dict) else {"detail": str(body)},
        dict(response.headers),
    )
