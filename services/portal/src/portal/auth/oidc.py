"""OpenID Connect, authorization code flow with PKCE (RFC 7636), as a confidential or
public client.

1. ``authorization_url``: the browser goes to the provider with ``state``, ``nonce`` and
   the S256 ``code_challenge``; the verifier stays in the server-side session.
2. ``exchange``: back with a ``code``, the portal trades it, with the verifier, for
   tokens at the token endpoint, and checks the ID token (signature from the provider's
   JWKS, issuer, audience, expiry, nonce).
3. The access token is what the services accept; the portal verifies it the way they do
   (``AUTH_JWKS_URL``, ``AUTH_JWT_ISSUER``, audience ``ticketing``) to know the user.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from portal.domain.pkce import PendingSignIn
from portal.settings import PortalSettings

WELL_KNOWN = "/.well-known/openid-configuration"
METADATA_TTL_SECONDS = 3600.0
ID_TOKEN_ALGORITHMS = ["RS256", "ES256"]


class SignInFailed(Exception):
    """The provider's answer cannot sign anybody in (the reason is for the log)."""


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None = None


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    expires_at: float
    id_token: str | None
    refresh_token: str | None


def discovery_url(configured: str) -> str:
    return configured if configured.endswith(WELL_KNOWN) else configured.rstrip("/") + WELL_KNOWN


class OidcClient:
    def __init__(self, settings: PortalSettings, http: httpx.AsyncClient) -> None:
        assert settings.oidc_discovery_url
        assert settings.oidc_client_id
        assert settings.oidc_redirect_url
        self._discovery = discovery_url(settings.oidc_discovery_url)
        self._client_id = settings.oidc_client_id
        self._secret = (
            settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
        )
        self._redirect = settings.oidc_redirect_url
        self._scopes = settings.oidc_scopes
        self._leeway = settings.auth_leeway_seconds
        self._http = http
        self._metadata: tuple[ProviderMetadata, float] | None = None
        self._jwks: jwt.PyJWKClient | None = None

    async def metadata(self) -> ProviderMetadata:
        if (
            self._metadata is not None
            and time.monotonic() - self._metadata[1] < METADATA_TTL_SECONDS
        ):
            return self._metadata[0]
        try:
            response = await self._http.get(self._discovery, timeout=10.0)
            response.raise_for_status()
            document = response.json()
            metadata = ProviderMetadata(
                issuer=str(document["issuer"]),
                authorization_endpoint=str(document["authorization_endpoint"]),
                token_endpoint=str(document["token_endpoint"]),
                jwks_uri=str(document["jwks_uri"]),
                end_session_endpoint=document.get("end_session_endpoint"),
            )
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise SignInFailed(f"provider discovery failed: {exc!r}") from exc
        supported = document.get("code_challenge_methods_supported")
        if isinstance(supported, list) and "S256" not in supported:
            raise SignInFailed("the provider does not offer PKCE with S256")
        self._metadata = (metadata, time.monotonic())
        self._jwks = jwt.PyJWKClient(metadata.jwks_uri, cache_keys=True, lifespan=3600, timeout=5)
        return metadata

    async def authorization_url(self, pending: PendingSignIn, language: str) -> str:
        metadata = await self.metadata()
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self._client_id,
                "redirect_uri": self._redirect,
                "scope": self._scopes,
                "state": pending.state,
                "nonce": pending.nonce,
                "code_challenge": pending.challenge,
                "code_challenge_method": "S256",
                "ui_locales": language,
            }
        )
        separator = "&" if "?" in metadata.authorization_endpoint else "?"
        return f"{metadata.authorization_endpoint}{separator}{query}"

    async def _token_request(self, form: dict[str, str]) -> dict[str, Any]:
        metadata = await self.metadata()
        auth = None
        if self._secret is not None:
            auth = httpx.BasicAuth(self._client_id, self._secret)
        else:
            form = {**form, "client_id": self._client_id}
        try:
            response = await self._http.post(
                metadata.token_endpoint,
                data=form,
                auth=auth if auth is not None else httpx.USE_CLIENT_DEFAULT,
                headers={"Accept": "application/json"},
                timeout=10.0,
            )
        except httpx.HTTPError as exc:
            raise SignInFailed(f"token endpoint unreachable: {exc!r}") from exc
        if response.status_code != 200:
            raise SignInFailed(f"token endpoint answered {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise SignInFailed("token endpoint answered no JSON") from exc
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise SignInFailed("token endpoint answered no access token")
        return body

    def _token_set(self, body: dict[str, Any], previous_refresh: str | None = None) -> TokenSet:
        expires_in = body.get("expires_in")
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 300.0
        return TokenSet(
            access_token=body["access_token"],
            expires_at=time.time() + lifetime,
            id_token=body.get("id_token") if isinstance(body.get("id_token"), str) else None,
            refresh_token=body.get("refresh_token") or previous_refresh,
        )

    async def exchange(self, code: str, pending: PendingSignIn) -> TokenSet:
        body = await self._token_request(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self._redirect,
                "code_verifier": pending.code_verifier,
            }
        )
        tokens = self._token_set(body)
        if tokens.id_token is None:
            raise SignInFailed("no ID token: is the scope 'openid' granted?")
        await self.verify_id_token(tokens.id_token, pending.nonce)
        return tokens

    async def refresh(self, refresh_token: str) -> TokenSet:
        body = await self._token_request(
            {"grant_type": "refresh_token", "refresh_token": refresh_token}
        )
        return self._token_set(body, previous_refresh=refresh_token)

    async def verify_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        metadata = await self.metadata()
        assert self._jwks is not None
        jwks = self._jwks
        try:
            key = await asyncio.to_thread(jwks.get_signing_key_from_jwt, id_token)
            claims: dict[str, Any] = jwt.decode(
                id_token,
                key=key.key,
                algorithms=ID_TOKEN_ALGORITHMS,
                audience=self._client_id,
                issuer=metadata.issuer,
                leeway=self._leeway,
                options={"require": ["sub", "exp", "iat", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise SignInFailed(f"ID token refused: {exc}") from exc
        if claims.get("nonce") != nonce:
            raise SignInFailed("ID token nonce does not match")
        return claims

    async def logout_url(self, id_token: str | None, after: str) -> str | None:
        metadata = await self.metadata()
        if not metadata.end_session_endpoint:
            return None
        query: dict[str, str] = {"client_id": self._client_id, "post_logout_redirect_uri": after}
        if id_token:
            query["id_token_hint"] = id_token
        return f"{metadata.end_session_endpoint}?{urlencode(query)}"

    async def provider_origin(self) -> str | None:
        """The provider's origin, for the pages' Content-Security-Policy form-action."""
        try:
            metadata = await self.metadata()
        except SignInFailed:
            return None
        parts = httpx.URL(metadata.authorization_endpoint)
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{parts.host}{port}"
