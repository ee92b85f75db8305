"""Signing in with OpenID Connect (authorization code with PKCE) against a tiny fake
provider: the flow, what the provider sees, what the portal refuses, the refresh."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from pydantic import SecretStr

from portal.bootstrap import build_app
from portal.settings import PortalSettings
from ticketing_devkit.processes import free_port

from .fake_identity_provider import FakeProvider, serving

PORTAL = "https://portal.test"
CLAIMS = {
    "sub": "u-acme-claire",
    "name": "Claire Dubois",
    "email": "claire.dubois@acme.example",
    "org": "ORG-ACME",
    "roles": ["customer:visitor"],
    "perimeter": ["CT-ACME-1001"],
    "locale": "fr",
}


@asynccontextmanager
async def portal_with_provider(
    *,
    client_secret: str | None = "s3cret",  # noqa: S107
    **provider_options: object,
) -> AsyncIterator[tuple[httpx.AsyncClient, FakeProvider]]:
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    provider = FakeProvider(
        issuer=issuer,
        client_id="portal",
        client_secret=client_secret,
        claims=CLAIMS,
        **provider_options,  # type: ignore[arg-type]
    )
    settings = PortalSettings(
        environment="test",
        portal_auth="oidc",
        oidc_discovery_url=issuer,
        oidc_client_id="portal",
        oidc_client_secret=SecretStr(client_secret) if client_secret else None,
        oidc_redirect_url=f"{PORTAL}/auth/callback",
        auth_jwt_secret=None,
        auth_jwks_url=f"{issuer}/jwks",
        auth_jwt_issuer=issuer,
        # The "services" are the provider's /v1 stand-ins: they record the bearer.
        intake_url=issuer,
        portal_cookie_secure=True,
    )
    async with serving(provider, port):
        app = build_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=PORTAL) as client:
                yield client, provider


async def through_provider(
    client: httpx.AsyncClient, next_path: str = "/contacts"
) -> httpx.Response:
    """The browser's round trip: portal → provider → portal's callback."""
    login = await client.get("/auth/login", params={"next": next_path})
    assert login.status_code == 303
    async with httpx.AsyncClient() as browser_at_provider:
        approved = await browser_at_provider.get(login.headers["location"])
    assert approved.status_code == 302, approved.text
    back = urlsplit(approved.headers["location"])
    assert f"{back.scheme}://{back.netloc}" == PORTAL
    return await client.get(f"{back.path}?{back.query}")


async def test_authorization_code_flow_with_pkce() -> None:
    async with portal_with_provider() as (client, provider):
        sign_in = await client.get("/auth/sign-in")
        assert 'href="/auth/login"' in sign_in.text
        assert "dev-sign-in" not in sign_in.text

        done = await through_provider(client)
        assert done.status_code == 303, done.text
        assert done.headers["location"] == "/contacts"

        [asked] = provider.authorize_requests
        assert asked["code_challenge_method"] == "S256"
        assert asked["redirect_uri"] == f"{PORTAL}/auth/callback"
        assert asked["scope"] == "openid profile email"
        assert len(asked["state"]) >= 32
        assert len(asked["nonce"]) >= 32
        [exchange] = provider.token_requests
        assert exchange["grant_type"] == "authorization_code"
        assert 43 <= len(exchange["code_verifier"]) <= 128
        # The verifier never went through the browser.
        assert exchange["code_verifier"] not in str(provider.authorize_requests)

        # Signed in: the services receive the provider's access token.
        page = await client.get("/contacts")
        assert page.status_code == 200, page.text
        assert "Claire Dubois" in page.text
        assert provider.service_bearers[-1].startswith("Bearer ey")
        # The session cookie is Secure, with the __Host- prefix.
        assert "__Host-portal_session" in client.cookies
        home = await client.get("/")
        assert home.headers["location"] == "/incidents"


async def test_a_public_client_proves_itself_with_pkce_alone() -> None:
    async with portal_with_provider(client_secret=None) as (client, provider):
        done = await through_provider(client)
        assert done.status_code == 303
        assert provider.token_requests[0]["client_id"] == "portal"


async def test_a_callback_that_does_not_match_is_refused() -> None:
    async with portal_with_provider() as (client, provider):
        login = await client.get("/auth/login")
        state = parse_qs(urlsplit(login.headers["location"]).query)["state"][0]
        forged = await client.get("/auth/callback", params={"code": "x", "state": state + "x"})
        assert forged.status_code == 400
        assert "La connexion a échoué" in forged.text
        assert provider.token_requests == []
        # The pending sign-in was used up: even the right state no longer works.
        late = await client.get("/auth/callback", params={"code": "x", "state": state})
        assert late.status_code == 400
        denied = await client.get("/auth/callback", params={"error": "access_denied"})
        assert denied.status_code == 400
        assert (await client.get("/contacts")).status_code == 303


async def test_an_id_token_for_another_sign_in_is_refused() -> None:
    async with portal_with_provider(wrong_nonce=True) as (client, _provider):
        done = await through_provider(client)
        assert done.status_code == 400
        assert (await client.get("/contacts")).status_code == 303


async def test_an_expiring_token_is_refreshed() -> None:
    # A token with less than the margin left is refreshed before it is used.
    async with portal_with_provider(access_token_seconds=5) as (client, provider):
        await through_provider(client)
        page = await client.get("/contacts")
        assert page.status_code == 200
        grants = [request["grant_type"] for request in provider.token_requests]
        assert grants[0] == "authorization_code"
        assert "refresh_token" in grants[1:]
        assert provider.service_bearers[-1].startswith("Bearer ey")


@pytest.mark.parametrize("path", ["/auth/dev-sign-in"])
async def test_no_demo_sign_in_with_openid_connect(path: str) -> None:
    async with portal_with_provider() as (client, _provider):
        token_page = await client.get("/auth/sign-in")
        csrf = token_page.text.split('name="csrf-token" content="')[1].split('"')[0]
        answer = await client.post(path, data={"csrf_token": csrf, "user_key": "agent"})
        assert answer.status_code == 400
        assert (await client.get("/")).headers["location"] == "/auth/sign-in"
