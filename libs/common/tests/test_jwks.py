"""Tokens from an identity provider: RS256 and ES256 keys from its JWKS."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from ticketing_common.auth import InvalidToken, TokenVerifier


class Provider:
    """A tiny identity provider: a JWKS endpoint whose keys the test can rotate."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider.fetches += 1
                body = json.dumps({"keys": provider.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"

    def publish_rsa(self, kid: str) -> rsa.RSAPrivateKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        self.keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
        return key

    def publish_ec(self, kid: str) -> ec.EllipticCurvePrivateKey:
        key = ec.generate_private_key(ec.SECP256R1())
        jwk = json.loads(ECAlgorithm.to_jwk(key.public_key()))
        self.keys.append({**jwk, "kid": kid, "use": "sig", "alg": "ES256"})
        return key


@pytest.fixture
def provider() -> Iterator[Provider]:
    running = Provider()
    running.thread.start()
    yield running
    running.server.shutdown()


def claims(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "sub": "u-1",
        "name": "Alice",
        "iss": "https://idp.example",
        "aud": "ticketing",
        "exp": int(time.time()) + 300,
        "org": "ORG-1",
        "roles": ["customer:visitor"],
        "perimeter": ["*"],
    }
    values.update(overrides)
    return values


def verifier(provider: Provider, cooldown: float = 0.0) -> TokenVerifier:
    return TokenVerifier(
        issuer="https://idp.example",
        audience="ticketing",
        jwks_url=provider.url,
        jwks_refresh_cooldown_seconds=cooldown,
    )


async def test_rs256_and_es256_tokens_are_verified(provider: Provider) -> None:
    rsa_key = provider.publish_rsa("rsa-1")
    ec_key = provider.publish_ec("ec-1")
    check = verifier(provider)
    rs = jwt.encode(claims(), rsa_key, algorithm="RS256", headers={"kid": "rsa-1"})
    es = jwt.encode(claims(sub="u-2"), ec_key, algorithm="ES256", headers={"kid": "ec-1"})
    assert (await check.verify(rs)).sub == "u-1"
    assert (await check.verify(es)).sub == "u-2"


async def test_keys_are_cached_and_fetched_again_for_an_unknown_kid(provider: Provider) -> None:
    first = provider.publish_rsa("2026-01")
    check = verifier(provider)
    token = jwt.encode(claims(), first, algorithm="RS256", headers={"kid": "2026-01"})
    await check.verify(token)
    await check.verify(token)
    assert provider.fetches == 1
    rotated = provider.publish_rsa("2026-02")
    new_token = jwt.encode(claims(), rotated, algorithm="RS256", headers={"kid": "2026-02"})
    assert (await check.verify(new_token)).sub == "u-1"
    assert provider.fetches == 2


async def test_unknown_kids_refetch_the_keys_at_most_once_per_cooldown(
    provider: Provider,
) -> None:
    key = provider.publish_rsa("known")
    check = verifier(provider, cooldown=3600)
    await check.verify(jwt.encode(claims(), key, algorithm="RS256", headers={"kid": "known"}))
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for attempt in range(5):
        forged = jwt.encode(claims(), stranger, algorithm="RS256", headers={"kid": f"x{attempt}"})
        with pytest.raises(InvalidToken):
            await check.verify(forged)
    assert provider.fetches == 1


async def test_a_kid_the_provider_does_not_know_is_refused(provider: Provider) -> None:
    provider.publish_rsa("known")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(claims(), stranger, algorithm="RS256", headers={"kid": "unknown"})
    with pytest.raises(InvalidToken):
        await verifier(provider).verify(token)


async def test_a_token_signed_by_another_key_under_a_known_kid_is_refused(
    provider: Provider,
) -> None:
    provider.publish_rsa("k")
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(claims(), forger, algorithm="RS256", headers={"kid": "k"})
    with pytest.raises(InvalidToken, match="Signature"):
        await verifier(provider).verify(token)


async def test_algorithm_confusion_is_refused(provider: Provider) -> None:
    key = provider.publish_rsa("k")
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # The classic attack: HMAC-sign with the public key, hoping it is used as a secret.
    forged = _hmac_token(public_pem, kid="k")
    with pytest.raises(InvalidToken, match="not accepted"):
        await verifier(provider).verify(forged)
    ec_key = provider.publish_ec("e")
    # An ES256 key named by an RS256 token: the key decides the algorithm.
    mismatched = jwt.encode(claims(), key, algorithm="RS256", headers={"kid": "e"})
    with pytest.raises(InvalidToken):
        await verifier(provider).verify(mismatched)
    assert ec_key is not None


def _hmac_token(secret: bytes, kid: str) -> str:
    import base64
    import hashlib
    import hmac

    def part(value: dict[str, Any]) -> bytes:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=")

    signing_input = part({"alg": "HS256", "typ": "JWT", "kid": kid}) + b"." + part(claims())
    signature = hmac.new(secret, signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + base64.urlsafe_b64encode(signature).rstrip(b"=")).decode()


async def test_expired_and_foreign_tokens_are_refused(provider: Provider) -> None:
    key = provider.publish_ec("k")
    check = verifier(provider)
    for bad in (
        claims(exp=int(time.time()) - 120),
        claims(iss="https://other-idp.example"),
        claims(aud="another-app"),
    ):
        with pytest.raises(InvalidToken):
            await check.verify(jwt.encode(bad, key, algorithm="ES256", headers={"kid": "k"}))
