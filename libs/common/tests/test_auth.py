from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ticketing_common.auth import InvalidToken, Principal, Role, TokenVerifier
from ticketing_common.auth.issuer import issue_token
from ticketing_common.settings import DEVELOPMENT_JWT_SECRET, ServiceSettings

SECRET = "a-test-secret-that-is-long-enough-for-hs256"


def verifier() -> TokenVerifier:
    return TokenVerifier(issuer="ticketing-dev", audience="ticketing", secret=SECRET)


def token(**overrides: object) -> str:
    values: dict[str, object] = {
        "secret": SECRET,
        "sub": "u-1",
        "name": "Alice",
        "org": "ORG-1",
        "roles": ["customer:visitor"],
        "perimeter": ["CT-1"],
    }
    values.update(overrides)
    return issue_token(**values)  # type: ignore[arg-type]


async def test_a_valid_token_gives_the_principal() -> None:
    principal = await verifier().verify(token(email="alice@example.com", locale="en"))
    assert principal.sub == "u-1"
    assert principal.org_id == "ORG-1"
    assert principal.roles == {Role.CUSTOMER_VISITOR}
    assert principal.perimeter == frozenset({"CT-1"})
    assert principal.email == "alice@example.com"
    assert principal.language == "en"


async def test_a_star_perimeter_means_every_contract_of_the_organization() -> None:
    principal = await verifier().verify(token(perimeter=["*"]))
    assert principal.perimeter is None
    assert principal.may_act_on_contract("ORG-1", "CT-anything")
    assert not principal.may_act_on_contract("ORG-2", "CT-anything")


@pytest.mark.parametrize(
    "bad",
    [
        token(secret="another-secret-that-is-long-enough-for-hs256"),
        token(issuer="somebody-else"),
        token(audience="another-audience"),
        token(ttl_seconds=-120),
        token(org=None),  # a customer without an organization
        token(sub="u" * 201),
        token(name="x\ny"),
        token(perimeter=["CT-1"] * 1001),
        "not-a-jwt",
    ],
)
async def test_bad_tokens_are_refused(bad: str) -> None:
    with pytest.raises(InvalidToken):
        await verifier().verify(bad)


async def test_an_expired_token_within_the_leeway_is_accepted() -> None:
    principal = await verifier().verify(token(ttl_seconds=-10))
    assert principal.sub == "u-1"


def _unsigned(claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


async def test_alg_none_is_refused() -> None:
    claims = jwt.decode(token(), options={"verify_signature": False})
    with pytest.raises(InvalidToken, match="not accepted"):
        await verifier().verify(_unsigned(claims))


async def test_an_rsa_token_is_refused_when_only_a_secret_is_configured() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    claims = {"sub": "u", "iss": "ticketing-dev", "aud": "ticketing", "exp": time.time() + 60}
    with pytest.raises(InvalidToken):
        await verifier().verify(jwt.encode(claims, pem, algorithm="RS256"))


def test_scope_rules() -> None:
    visitor = Principal(
        sub="v",
        name="V",
        email=None,
        org_id="ORG-1",
        roles=frozenset({Role.CUSTOMER_VISITOR}),
        perimeter=frozenset({"CT-1"}),
    )
    manager = Principal(
        sub="m",
        name="M",
        email=None,
        org_id="ORG-1",
        roles=frozenset({Role.CUSTOMER_MANAGER}),
        perimeter=frozenset(),
    )
    agent = Principal(
        sub="a",
        name="A",
        email=None,
        org_id=None,
        roles=frozenset({Role.OPS_AGENT}),
        perimeter=frozenset(),
    )
    assert visitor.may_see_incident("ORG-1", "CT-1")
    assert not visitor.may_see_incident("ORG-1", "CT-2")
    assert not visitor.may_see_incident("ORG-2", "CT-1")
    assert manager.may_see_incident("ORG-1", "CT-2")
    assert not manager.may_see_incident("ORG-2", "CT-1")
    assert agent.may_see_incident("ORG-2", "CT-9")
    assert agent.is_operations
    assert not agent.is_customer


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(ValueError, match="development secret"):
        ServiceSettings(environment="production", auth_jwt_secret=DEVELOPMENT_JWT_SECRET)  # type: ignore[arg-type]
    settings = ServiceSettings(
        environment="production", auth_jwks_url="https://idp/jwks", auth_jwt_secret=None
    )
    assert settings.auth_jwks_url


async def test_a_token_verified_once_is_not_decoded_again_until_it_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = time.time()
    clock = [now]
    checker = TokenVerifier(
        issuer="ticketing-dev",
        audience="ticketing",
        secret=SECRET,
        leeway_seconds=0,
        clock=lambda: clock[0],
    )
    decoded = 0
    real_decode = jwt.decode

    def counting_decode(*args: object, **kwargs: object) -> object:
        nonlocal decoded
        decoded += 1
        return real_decode(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jwt, "decode", counting_decode)
    short_lived = token(ttl_seconds=60)
    for _ in range(3):
        assert (await checker.verify(short_lived)).sub == "u-1"
    assert decoded == 1
    # Past its expiry the answer is not reused: the token is checked in full again
    # (and PyJWT, on the real clock, judges its expiry).
    clock[0] = now + 61
    await checker.verify(short_lived)
    assert decoded == 2


async def test_a_refused_token_is_refused_every_time() -> None:
    checker = verifier()
    forged = token(secret="another-secret-that-is-long-enough-too")
    for _ in range(2):
        with pytest.raises(InvalidToken):
            await checker.verify(forged)
