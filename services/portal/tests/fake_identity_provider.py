"""A tiny OpenID Connect provider for the sign-in tests: discovery, authorize (approves
at once as the configured user), token (authorization code with PKCE S256, refresh),
JWKS. It checks what a real provider checks of a client, and records what it saw."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

KID = "test-key-1"


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    method: str
    nonce: str


@dataclass
class FakeProvider:
    issuer: str
    client_id: str
    client_secret: str | None
    claims: dict[str, Any]
    access_token_seconds: int = 300
    # Tamper with the ID token's nonce, to see the client refuse it.
    wrong_nonce: bool = False
    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    grants: dict[str, Grant] = field(default_factory=dict)
    refresh_tokens: set[str] = field(default_factory=set)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    # Bearer tokens the fake "services" (under /v1) received.
    service_bearers: list[str] = field(default_factory=list)

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})

    def access_token(self) -> str:
        now = int(time.time())
        return self.sign(
            {
                **self.claims,
                "iss": self.issuer,
                "aud": "ticketing",
                "iat": now,
                "exp": now + max(self.access_token_seconds, 1),
            }
        )

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        return self.sign(
            {
                "iss": self.issuer,
                "aud": self.client_id,
                "sub": self.claims["sub"],
                "name": self.claims.get("name"),
                "iat": now,
                "exp": now + 300,
                "nonce": "tampered" if self.wrong_nonce else nonce,
            }
        )

    # -- endpoints -----------------------------------------------------------------------

    async def discovery(self, request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "end_session_endpoint": f"{self.issuer}/logout",
                "code_challenge_methods_supported": ["S256"],
                "response_types_supported": ["code"],
            }
        )

    async def jwks(self, request: Request) -> Response:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return JSONResponse({"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]})

    async def authorize(self, request: Request) -> Response:
        query = dict(request.query_params)
        self.authorize_requests.append(query)
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            client_id=query["client_id"],
            redirect_uri=query["redirect_uri"],
            challenge=query.get("code_challenge", ""),
            method=query.get("code_challenge_method", ""),
            nonce=query.get("nonce", ""),
        )
        target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        return RedirectResponse(target, status_code=302)

    def _client_of(self, request: Request, form: dict[str, str]) -> str | None:
        header = request.headers.get("authorization", "")
        if header.startswith("Basic "):
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            return client_id if secret == self.client_secret else None
        if self.client_secret is not None:
            return None
        return form.get("client_id")

    async def token(self, request: Request) -> Response:
        form = {key: str(value) for key, value in (await request.form()).items()}
        self.token_requests.append(form)
        if self._client_of(request, form) != self.client_id:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if form.get("grant_type") == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            return JSONResponse(
                {
                    "access_token": self.access_token(),
                    "token_type": "Bearer",
                    "expires_in": self.access_token_seconds,
                }
            )
        grant = self.grants.pop(form.get("code", ""), None)  # one use only
        if grant is None or form.get("redirect_uri") != grant.redirect_uri:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        verifier = form.get("code_verifier", "")
        digest = hashlib.sha256(verifier.encode()).digest()
        if grant.method != "S256" or base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != (
            grant.challenge
        ):
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, 400)
        refresh = secrets.token_urlsafe(16)
        self.refresh_tokens.add(refresh)
        return JSONResponse(
            {
                "access_token": self.access_token(),
                "token_type": "Bearer",
                "expires_in": self.access_token_seconds,
                "id_token": self.id_token(grant.nonce),
                "refresh_token": refresh,
            }
        )

    async def service_list(self, request: Request) -> Response:
        """Stands for a service's list endpoint: an empty list, the bearer recorded."""
        self.service_bearers.append(request.headers.get("authorization", ""))
        return JSONResponse({"items": [], "next_cursor": None})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/jwks", self.jwks),
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
                Route("/v1/contacts", self.service_list),
            ]
        )


@asynccontextmanager
async def serving(provider: FakeProvider, port: int) -> AsyncIterator[FakeProvider]:
    config = uvicorn.Config(
        provider.app(), host="127.0.0.1", port=port, log_config=None, lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield provider
    finally:
        server.should_exit = True
        await task
