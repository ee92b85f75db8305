"""The cookie of the user's notification settings (see ``domain.notify_defaults``)."""

from __future__ import annotations

from fastapi import Request

from portal.domain.declaration_form import NotifyRow
from portal.domain.notify_defaults import decode
from portal.web.session_cookie import holder

NOTIFY_COOKIE = "portal_notify"


def default_notify_rows(request: Request) -> tuple[NotifyRow, ...]:
    session = holder(request).session
    if session is None or session.user is None:
        return ()
    return decode(request.cookies.get(NOTIFY_COOKIE), session.user.principal.sub)
