"""Signing in and out; in development, by choosing a demo user.

The demo sign-in exists only with ``PORTAL_AUTH=development`` (refused in production):
the portal signs the chosen user's token with ``AUTH_JWT_SECRET``, exactly what
``make token`` prints, and keeps it in the server-side session.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from portal.auth.dev_users import DEV_USERS, dev_user
from portal.auth.sessions import SignedInUser
from portal.domain.local_paths import safe_next
from portal.web.pages import CsrfChecked, Page, PageDep
from ticketing_common.auth.tokens import InvalidToken

router = APIRouter()
DEV_TOKEN_SECONDS = 8 * 3600


def home_of(page: Page) -> str:
    user = page.user
    if user is None:
        return "/auth/sign-in"
    return "/ops" if user.principal.is_operations else "/incidents"


@router.get("/")
async def home(page: PageDep) -> RedirectResponse:
    return RedirectResponse(home_of(page), status_code=303)


@router.get("/auth/sign-in")
async def sign_in_page(page: PageDep, next: str | None = None) -> Response:
    settings = page.portal.settings
    return page.render(
        "sign_in.html",
        next_path=safe_next(next, ""),
        dev_users=DEV_USERS if settings.development_sign_in else (),
        oidc=settings.portal_auth == "oidc",
    )


@router.post("/auth/dev-sign-in", dependencies=[CsrfChecked])
async def dev_sign_in(
    page: PageDep,
    user_key: Annotated[str, Form(max_length=50)],
    next_path: Annotated[str, Form(alias="next", max_length=2000)] = "",
) -> Response:
    settings = page.portal.settings
    chosen = dev_user(user_key)
    if not settings.development_sign_in or chosen is None or settings.auth_jwt_secret is None:
        return page.render(
            "sign_in.html",
            status_code=400,
            next_path=safe_next(next_path, ""),
            dev_users=DEV_USERS if settings.development_sign_in else (),
            oidc=False,
            error_key="sign_in.unknown_user",
        )
    token = chosen.token(
        secret=settings.auth_jwt_secret.get_secret_value(),
        issuer=settings.auth_jwt_issuer,
        audience=settings.auth_jwt_audience,
        ttl_seconds=DEV_TOKEN_SECONDS,
    )
    try:
        principal = await page.portal.verifier.verify(token)
    except InvalidToken:
        return page.render("error.html", status_code=500, message_key="error.unexpected", detail="")
    page.sign_in(
        SignedInUser(
            access_token=token, principal=principal, expires_at=time.time() + DEV_TOKEN_SECONDS
        )
    )
    return RedirectResponse(safe_next(next_path, home_of(page)), status_code=303)


@router.post("/auth/sign-out", dependencies=[CsrfChecked])
async def sign_out(page: PageDep) -> RedirectResponse:
    user = page.user
    oidc = page.portal.oidc
    page.sign_out()
    if oidc is not None and user is not None and page.portal.settings.oidc_redirect_url:
        after = str(page.request.url_for("sign_in_page"))
        try:
            target = await oidc.logout_url(user.id_token, after)
        except Exception:
            target = None
        if target:
            return RedirectResponse(target, status_code=303)
    return RedirectResponse("/auth/sign-in", status_code=303)
