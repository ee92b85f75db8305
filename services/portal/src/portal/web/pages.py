"""What every page handler works with: the visitor's session, language, token, and a
way to render a template in their language.

``PageDep`` is any visitor; ``SignedInDep`` a signed-in one (else: to the sign-in page);
``CustomerDep`` and ``OperationsDep`` narrow by role (else: 403 page).
"""

from __future__ import annotations

import asyncio
import hmac
import time
from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from portal.auth.oidc import OidcClient, SignInFailed
from portal.auth.sessions import PortalSession, SessionStore, SignedInUser
from portal.clients.dead_letters import DeadLettersClient
from portal.clients.intake import IntakeClient
from portal.clients.notification import NotificationClient
from portal.clients.search import SearchClient
from portal.clients.tickets import TicketsClient
from portal.domain.formatting import format_datetime, iso_attribute
from portal.domain.languages import Lang, as_language, negotiate
from portal.i18n import translate
from portal.settings import PortalSettings
from portal.web.session_cookie import holder
from ticketing_common.auth.principal import Principal
from ticketing_common.auth.tokens import InvalidToken, TokenVerifier

LANGUAGE_COOKIE = "portal_lang"
# A token this close to its expiry is refreshed (or the user signs in again) first.
EXPIRY_MARGIN_SECONDS = 30.0


@dataclass
class Upstreams:
    intake: IntakeClient
    tickets: TicketsClient
    search: SearchClient
    notification: NotificationClient
    dead_letters: DeadLettersClient


@dataclass
class PortalState:
    settings: PortalSettings
    store: SessionStore
    verifier: TokenVerifier
    oidc: OidcClient | None
    upstreams: Upstreams
    templates: jinja2.Environment
    # Set when the server is asked to stop: live streams end so it can.
    stopping: asyncio.Event

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.portal_time_zone)


class SignInRequired(Exception):
    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class Forbidden(Exception):
    """Signed in, but this part of the portal is not for their roles."""


class CsrfRefused(Exception):
    pass


def portal_state(request: Request) -> PortalState:
    state = request.app.state.portal
    assert isinstance(state, PortalState)
    return state


class Page:
    def __init__(self, request: Request, portal: PortalState) -> None:
        self.request = request
        self.portal = portal
        self._holder = holder(request)
        user = self.user
        # The visitor's choice, else their profile's language, else their browser's.
        chosen = as_language(request.cookies.get(LANGUAGE_COOKIE))
        if chosen is None and user is not None:
            chosen = as_language(user.principal.language.value)
        self.lang: Lang = chosen or negotiate(None, request.headers.get("accept-language"))

    # -- session and user --------------------------------------------------------------

    @property
    def session(self) -> PortalSession:
        return self._holder.get_or_create()

    @property
    def user(self) -> SignedInUser | None:
        session = self._holder.session
        return session.user if session is not None else None

    @property
    def principal(self) -> Principal:
        user = self.user
        assert user is not None, "use SignedInDep"
        return user.principal

    @property
    def token(self) -> str:
        user = self.user
        assert user is not None, "use SignedInDep"
        return user.access_token

    def sign_in(self, user: SignedInUser) -> PortalSession:
        session = self._holder.rotate()
        session.user = user
        return session

    def sign_out(self) -> None:
        self._holder.drop()

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token

    def csrf_valid(self, presented: str | None) -> bool:
        session = self._holder.session
        if session is None or not presented:
            return False
        return hmac.compare_digest(session.csrf_token.encode(), presented.encode())

    def flash(self, kind: str, message_key: str) -> None:
        self.session.flash(kind, message_key)

    # -- words and pages ---------------------------------------------------------------

    def t(self, key: str, **params: Any) -> str:
        return translate(self.lang, key, **params)

    def dt(self, value: object) -> str:
        return format_datetime(value, self.lang, self.portal.zone)

    @staticmethod
    def iso(value: object) -> str:
        return iso_attribute(value)

    def status(self, code: object) -> str:
        return self.t(f"status.{code}") if code else ""

    @property
    def path_with_query(self) -> str:
        url = self.request.url
        return url.path + (f"?{url.query}" if url.query else "")

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        session = self._holder.session
        # Only a whole page shows (and so uses up) the messages: a part re-read by the
        # live refresh, arriving between a form's answer and its redirect, must not.
        whole_page = not template.startswith("partials/")
        flashes = session.take_flashes() if session is not None and whole_page else []
        html = self.portal.templates.get_template(template).render(
            page=self,
            t=self.t,
            lang=self.lang,
            user=self.user,
            flashes=flashes,
            settings=self.portal.settings,
            **context,
        )
        return HTMLResponse(html, status_code=status_code)


def current_page(request: Request) -> Page:
    return Page(request, portal_state(request))


PageDep = Annotated[Page, Depends(current_page)]


async def _fresh(page: Page) -> bool:
    """Whether the user's token is usable, refreshing it with the provider if needed."""
    user = page.user
    if user is None:
        return False
    if user.expires_at - EXPIRY_MARGIN_SECONDS > time.time():
        return True
    oidc = page.portal.oidc
    if oidc is None or user.refresh_token is None:
        return False
    try:
        tokens = await oidc.refresh(user.refresh_token)
        principal = await page.portal.verifier.verify(tokens.access_token)
    except (SignInFailed, InvalidToken):
        return False
    user.access_token = tokens.access_token
    user.expires_at = tokens.expires_at
    user.refresh_token = tokens.refresh_token
    user.principal = principal
    return True


async def signed_in(page: PageDep) -> Page:
    if not await _fresh(page):
        if page.user is not None:
            page.sign_out()
        raise SignInRequired(page.path_with_query)
    return page


SignedInDep = Annotated[Page, Depends(signed_in)]


async def customer(page: SignedInDep) -> Page:
    if not page.principal.is_customer:
        raise Forbidden()
    return page


async def operations(page: SignedInDep) -> Page:
    if not page.principal.is_operations:
        raise Forbidden()
    return page


CustomerDep = Annotated[Page, Depends(customer)]
OperationsDep = Annotated[Page, Depends(operations)]


async def csrf_checked(request: Request, page: PageDep) -> None:
    """Every POST carries the session's token, in the form or in ``X-CSRF-Token``, and
    does not come from another site."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise CsrfRefused()
    presented = request.headers.get("x-csrf-token")
    if presented is None and request.headers.get("content-type", "").startswith(
        "application/x-www-form-urlencoded"
    ):
        form = await request.form()
        value = form.get("csrf_token")
        presented = value if isinstance(value, str) else None
    if not page.csrf_valid(presented):
        raise CsrfRefused()


CsrfChecked = Depends(csrf_checked)
