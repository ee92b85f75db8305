"""Signing in with OpenID Connect: authorization code flow with PKCE."""

from __future__ import annotations

import time

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from portal.auth.oidc import SignInFailed
from portal.auth.sessions import SignedInUser
from portal.domain.local_paths import safe_next
from portal.domain.pkce import PendingSignIn
from portal.routes.auth_dev import home_of
from portal.web.pages import PageDep
from ticketing_common.auth.tokens import InvalidToken
from ticketing_common.logging import get_logger

router = APIRouter()
log = get_logger("portal.oidc")


def _failed(page: PageDep, status: int = 400) -> Response:
    return page.render(
        "sign_in.html",
        status_code=status,
        next_path="",
        dev_users=(),
        oidc=page.portal.oidc is not None,
        error_key="sign_in.failed",
    )


@router.get("/auth/login")
async def login(page: PageDep, next: str | None = None) -> Response:
    oidc = page.portal.oidc
    if oidc is None:
        return RedirectResponse("/auth/sign-in", status_code=303)
    pending = PendingSignIn.start(safe_next(next, ""))
    page.session.pending_sign_in = pending
    try:
        target = await oidc.authorization_url(pending, page.lang)
    except SignInFailed as exc:
        log.warning("sign-in failed", reason=str(exc))
        return _failed(page, 503)
    return RedirectResponse(target, status_code=303)


@router.get("/auth/callback")
async def callback(
    page: PageDep,
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
) -> Response:
    oidc = page.portal.oidc
    if oidc is None:
        return RedirectResponse("/auth/sign-in", status_code=303)
    pending = page.session.pending_sign_in
    # One use only, whatever happens next.
    page.session.pending_sign_in = None
    if error or pending is None or not code or not state or state != pending.state:
        log.warning("sign-in refused", reason=error or "state does not match")
        return _failed(page)
    try:
        tokens = await oidc.exchange(code, pending)
        principal = await page.portal.verifier.verify(tokens.access_token)
    except (SignInFailed, InvalidToken) as exc:
        log.warning("sign-in failed", reason=str(exc))
        return _failed(page)
    page.sign_in(
        SignedInUser(
            access_token=tokens.access_token,
            principal=principal,
            expires_at=min(tokens.expires_at, time.time() + 24 * 3600),
            refresh_token=tokens.refresh_token,
            id_token=tokens.id_token,
        )
    )
    return RedirectResponse(safe_next(pending.next_path, home_of(page)), status_code=303)
