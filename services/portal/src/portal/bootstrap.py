"""The portal's composition root: settings in, the web application out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from portal.auth.oidc import OidcClient
from portal.auth.sessions import SessionStore
from portal.clients.base import ServiceClient
from portal.clients.dead_letters import DeadLettersClient
from portal.clients.intake import IntakeClient
from portal.clients.notification import NotificationClient
from portal.clients.search import SearchClient
from portal.clients.tickets import TicketsClient
from portal.routes import (
    attachments,
    auth_dev,
    auth_oidc,
    dashboard,
    declare,
    errors,
    health,
    incident,
    incidents,
    language,
    live,
    ops_dead_letters,
    ops_events,
    ops_queue,
    ops_ticket,
    preferences,
    sites_map,
)
from portal.settings import PortalSettings
from portal.web.pages import PortalState, Upstreams
from portal.web.security_headers import SecurityHeadersMiddleware, content_security_policy
from portal.web.session_cookie import SessionCookieMiddleware
from portal.web.templating import page_templates
from ticketing_common.web.app import token_verifier
from ticketing_common.web.middleware import RequestContextMiddleware

STATIC = Path(__file__).resolve().parent / "static"


def build_upstreams(settings: PortalSettings, http: httpx.AsyncClient) -> Upstreams:
    services = {
        "intake": ServiceClient("intake", settings.intake_url, http),
        "ticket-store": ServiceClient("ticket-store", settings.ticket_store_url, http),
        "notification": ServiceClient("notification", settings.notification_url, http),
        "search": ServiceClient("search", settings.search_url, http),
    }
    return Upstreams(
        intake=IntakeClient(services["intake"]),
        tickets=TicketsClient(services["ticket-store"]),
        search=SearchClient(services["search"]),
        notification=NotificationClient(services["notification"]),
        dead_letters=DeadLettersClient(services),
    )


def _form_targets(settings: PortalSettings) -> list[str]:
    """Sign-out posts to the portal, which may redirect to the provider: CSP's
    form-action covers redirects after a form, so the provider's origin is allowed."""
    if settings.portal_auth != "oidc" or not settings.oidc_discovery_url:
        return []
    url = httpx.URL(settings.oidc_discovery_url)
    port = f":{url.port}" if url.port else ""
    return [f"{url.scheme}://{url.host}{port}"]


def build_app(settings: PortalSettings, http: httpx.AsyncClient | None = None) -> FastAPI:
    client = http or httpx.AsyncClient(
        timeout=settings.upstream_timeout_seconds,
        limits=httpx.Limits(max_connections=200, max_keepalive_connections=50),
        follow_redirects=False,
    )
    state = PortalState(
        settings=settings,
        store=SessionStore(
            lifetime_seconds=settings.portal_session_hours * 3600,
            idle_seconds=settings.portal_session_idle_minutes * 60,
            max_sessions=settings.portal_max_sessions,
        ),
        verifier=token_verifier(settings),
        oidc=OidcClient(settings, client) if settings.portal_auth == "oidc" else None,
        upstreams=build_upstreams(settings, client),
        templates=page_templates(),
        stopping=asyncio.Event(),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            state.stopping.set()
            if http is None:
                await client.aclose()

    app = FastAPI(
        title="Portal",
        description="Web pages for customers and operations.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.portal = state
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (
        health.router,
        language.router,
        auth_dev.router,
        auth_oidc.router,
        incidents.router,
        declare.router,
        attachments.router,
        incident.router,
        dashboard.router,
        sites_map.router,
        preferences.router,
        live.router,
        ops_queue.router,
        ops_ticket.router,
        ops_events.router,
        ops_dead_letters.router,
    ):
        app.include_router(router)
    errors.install(app)
    app.add_middleware(
        SessionCookieMiddleware,
        store=state.store,
        secure=settings.cookie_secure,
        max_age_seconds=int(settings.portal_session_hours * 3600),
    )
    app.add_middleware(
        SecurityHeadersMiddleware,
        csp=content_security_policy(_form_targets(settings)),
        hsts=settings.cookie_secure,
    )
    app.add_middleware(RequestContextMiddleware)
    return app
