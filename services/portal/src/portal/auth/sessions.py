"""Sessions held server-side: the browser keeps only a random id in an HttpOnly cookie.

The user's bearer token never reaches the browser, so no script (nor an XSS) can read
it. Sessions live in this process's memory, bounded in number and time: a restart signs
everybody out, and several portal replicas need sticky sessions (or a shared store
behind the same interface).
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from portal.domain.pkce import PendingSignIn
from ticketing_common.auth.principal import Principal

Clock = Callable[[], float]


@dataclass
class SignedInUser:
    access_token: str
    principal: Principal
    # When the access token expires (epoch seconds).
    expires_at: float
    refresh_token: str | None = None
    id_token: str | None = None


@dataclass
class PortalSession:
    id: str
    created_at: float
    last_seen: float
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    user: SignedInUser | None = None
    pending_sign_in: PendingSignIn | None = None
    # Messages shown once on the next page (after a redirect).
    flashes: list[tuple[str, str]] = field(default_factory=list)

    def flash(self, kind: str, message_key: str) -> None:
        self.flashes.append((kind, message_key))

    def take_flashes(self) -> list[tuple[str, str]]:
        taken, self.flashes = self.flashes, []
        return taken


class SessionStore:
    def __init__(
        self,
        *,
        lifetime_seconds: float,
        idle_seconds: float,
        max_sessions: int,
        clock: Clock = time.time,
    ) -> None:
        self._sessions: OrderedDict[str, PortalSession] = OrderedDict()
        self._lifetime = lifetime_seconds
        self._idle = idle_seconds
        self._max = max_sessions
        self._clock = clock

    def __len__(self) -> int:
        return len(self._sessions)

    def get(self, session_id: str | None) -> PortalSession | None:
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is None:
            return None
        now = self._clock()
        if now - session.created_at > self._lifetime or now - session.last_seen > self._idle:
            del self._sessions[session_id]
            return None
        session.last_seen = now
        self._sessions.move_to_end(session_id)
        return session

    def create(self) -> PortalSession:
        now = self._clock()
        session = PortalSession(id=secrets.token_urlsafe(32), created_at=now, last_seen=now)
        self._sessions[session.id] = session
        # The least recently seen go first when the store is full.
        while len(self._sessions) > self._max:
            self._sessions.popitem(last=False)
        return session

    def rotate(self, session: PortalSession) -> PortalSession:
        """A new id (and CSRF token) for the same session: done at sign-in, so an id
        planted before it (session fixation) is worth nothing after."""
        self._sessions.pop(session.id, None)
        fresh = self.create()
        fresh.flashes = session.flashes
        return fresh

    def drop(self, session: PortalSession) -> None:
        self._sessions.pop(session.id, None)
