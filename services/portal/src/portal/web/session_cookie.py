"""The session cookie, as plain ASGI: read it before the page, write it after.

Pages ask for the session through ``SessionHolder.get_or_create``; a session created,
rotated (sign-in) or dropped (sign-out) during the request is written back as a
``Set-Cookie`` when the answer starts. The cookie holds a random id only; it is
HttpOnly, SameSite=Lax (the provider's redirect back must carry it) and Secure with the
``__Host-`` prefix unless plain-http development says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import SimpleCookie

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.auth.sessions import PortalSession, SessionStore

SCOPE_KEY = "portal.session"


@dataclass
class SessionHolder:
    store: SessionStore
    incoming_id: str | None
    session: PortalSession | None
    dropped: bool = False

    def get_or_create(self) -> PortalSession:
        if self.session is None:
            self.session = self.store.create()
            self.dropped = False
        return self.session

    def rotate(self) -> PortalSession:
        self.session = self.store.rotate(self.get_or_create())
        return self.session

    def drop(self) -> None:
        if self.session is not None:
            self.store.drop(self.session)
        self.session = None
        self.dropped = True


def holder(connection: HTTPConnection) -> SessionHolder:
    found = connection.scope.get(SCOPE_KEY)
    assert isinstance(found, SessionHolder), "SessionCookieMiddleware is not installed"
    return found


class SessionCookieMiddleware:
    def __init__(
        self, app: ASGIApp, *, store: SessionStore, secure: bool, max_age_seconds: int
    ) -> None:
        self.app = app
        self.store = store
        self.secure = secure
        self.name = "__Host-portal_session" if secure else "portal_session"
        self.max_age = max_age_seconds

    def _cookie(self, value: str, max_age: int) -> bytes:
        parts = [
            f"{self.name}={value}",
            "Path=/",
            f"Max-Age={max_age}",
            "HttpOnly",
            "SameSite=Lax",
        ]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts).encode("latin-1")

    def _incoming(self, scope: Scope) -> str | None:
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookies: SimpleCookie = SimpleCookie()
                try:
                    cookies.load(value.decode("latin-1"))
                except Exception:  # noqa: S112 - a malformed Cookie header is no session
                    continue
                if self.name in cookies:
                    return cookies[self.name].value
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith("/static/"):
            await self.app(scope, receive, send)
            return
        incoming = self._incoming(scope)
        session_holder = SessionHolder(self.store, incoming, self.store.get(incoming))
        scope[SCOPE_KEY] = session_holder

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                current = session_holder.session
                headers = list(message.get("headers", []))
                if current is not None and current.id != incoming:
                    headers.append((b"set-cookie", self._cookie(current.id, self.max_age)))
                elif current is None and incoming and session_holder.dropped:
                    headers.append((b"set-cookie", self._cookie("", 0)))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_cookie)
