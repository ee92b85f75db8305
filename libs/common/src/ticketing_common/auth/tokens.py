"""Verifying bearer tokens into a ``Principal``.

HS256 with a shared secret in development; RS256 or ES256 with keys from an identity
provider's JWKS in production, cached and fetched again when an unknown ``kid``
arrives. The algorithm is chosen by the key, never by the token, so ``alg: none`` and
algorithm confusion (an RSA public key used as an HMAC secret) are refused.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

import jwt

from ticketing_common.auth.principal import ALL_CONTRACTS, Principal, Role
from ticketing_common.reference import Language

ASYMMETRIC_ALGORITHMS: Final = ("RS256", "ES256")
REQUIRED_CLAIMS: Final = ("sub", "exp", "iss", "aud")
# Tokens verified lately, and for how long their answer may be reused: a client sends
# the same token with every request, and verifying it (two base64 decodings, a
# signature, the claims) was a tenth of a declaration's CPU in intake. An answer is
# reused until the token expires, and never longer than this, so that a key withdrawn
# from the JWKS stops being honoured soon after.
VERIFIED_CACHE_SIZE: Final = 4096
VERIFIED_CACHE_SECONDS: Final = 300.0


class InvalidToken(Exception):
    """The token is missing, malformed, expired, or not ours."""


class TokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        secret: str | None = None,
        jwks_url: str | None = None,
        leeway_seconds: int = 30,
        jwks_refresh_cooldown_seconds: float = 30.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if secret is None and jwks_url is None:
            raise ValueError("a token verifier needs a secret or a JWKS URL")
        self._issuer = issuer
        self._audience = audience
        self._secret = secret
        self._leeway = leeway_seconds
        self._clock = clock
        # token → (principal, reusable until): insertion order is age order.
        self._verified: dict[str, tuple[Principal, float]] = {}
        self._jwks = (
            # Keys are cached an hour; an unknown kid fetches the set again, at most
            # once per cooldown, so a flood of forged kids cannot hammer the provider.
            jwt.PyJWKClient(
                jwks_url,
                cache_keys=True,
                lifespan=3600,
                timeout=5,
                cooldown_duration=jwks_refresh_cooldown_seconds,
            )
            if jwks_url
            else None
        )

    async def verify(self, token: str) -> Principal:
        now = self._clock()
        known = self._verified.get(token)
        if known is not None:
            principal, until = known
            if now <= until:
                return principal
            del self._verified[token]
        principal, expires = await self._verify_anew(token)
        self._remember(token, principal, min(expires + self._leeway, now + VERIFIED_CACHE_SECONDS))
        return principal

    def _remember(self, token: str, principal: Principal, until: float) -> None:
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            # The oldest entry goes: a dict keeps insertion order.
            del self._verified[next(iter(self._verified))]
        self._verified[token] = (principal, until)

    async def _verify_anew(self, token: str) -> tuple[Principal, float]:
        """The token's principal and its expiry (``exp``), checked in full."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed token") from exc
        algorithm = header.get("alg")
        key: Any
        if algorithm == "HS256" and self._secret is not None:
            key = self._secret
        elif algorithm in ASYMMETRIC_ALGORITHMS and self._jwks is not None:
            try:
                signing_key = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
            except jwt.PyJWTError as exc:
                raise InvalidToken("unknown signing key") from exc
            if signing_key.algorithm_name != algorithm:
                raise InvalidToken("algorithm does not match the key")
            key = signing_key.key
        else:
            raise InvalidToken(f"algorithm {algorithm!r} is not accepted")
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[algorithm],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        return principal_from_claims(claims), float(claims["exp"])


# Bounds on what a token may carry: columns and logs are sized for them, and a token
# is an input like any other.
MAX_ID_LENGTH: Final = 200
MAX_NAME_LENGTH: Final = 200
MAX_EMAIL_LENGTH: Final = 320
MAX_ORG_LENGTH: Final = 100
MAX_PERIMETER: Final = 1000


def _bounded(claims: Mapping[str, Any], name: str, limit: int) -> str | None:
    value = claims.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidToken(f"{name} must be a string")
    if len(value) > limit or any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise InvalidToken(f"{name} is too long or holds control characters")
    return value


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    sub = _bounded(claims, "sub", MAX_ID_LENGTH)
    if sub is None:
        raise InvalidToken("sub is missing")
    raw_roles = claims.get("roles", [])
    if not isinstance(raw_roles, list):
        raise InvalidToken("roles must be a list")
    known = {role.value for role in Role}
    roles = frozenset(Role(value) for value in raw_roles if value in known)
    org = _bounded(claims, "org", MAX_ORG_LENGTH)
    principal_perimeter = _perimeter(claims.get("perimeter"))
    language = claims.get("locale", "fr")
    principal = Principal(
        sub=sub,
        name=_bounded(claims, "name", MAX_NAME_LENGTH) or sub,
        email=_bounded(claims, "email", MAX_EMAIL_LENGTH),
        org_id=org,
        roles=roles,
        perimeter=principal_perimeter,
        language=Language(language) if language in {"fr", "en"} else Language.FR,
    )
    if principal.is_customer and principal.org_id is None:
        raise InvalidToken("a customer token must name its organization (org)")
    return principal


def _perimeter(value: object) -> frozenset[str] | None:
    if value is None:
        return frozenset()
    if (
        not isinstance(value, list)
        or len(value) > MAX_PERIMETER
        or not all(isinstance(item, str) and 0 < len(item) <= MAX_ORG_LENGTH for item in value)
    ):
        raise InvalidToken("perimeter must be a list of contract ids")
    if ALL_CONTRACTS in value:
        return None
    return frozenset(value)
