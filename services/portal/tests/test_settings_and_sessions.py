"""Settings that fit the environment, the session store, and the demo users."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from portal.auth.dev_users import DEV_USERS
from portal.auth.sessions import SessionStore
from portal.settings import PortalSettings
from ticketing_devkit.demo import DEMO_USERS

PRODUCTION_SECRET = "a-real-secret-of-the-production-environment"


def test_production_refuses_the_demo_sign_in() -> None:
    with pytest.raises(ValidationError, match="refused in production"):
        PortalSettings(environment="production", auth_jwt_secret=SecretStr(PRODUCTION_SECRET))


def test_openid_connect_needs_its_provider() -> None:
    with pytest.raises(ValidationError, match="OIDC_DISCOVERY_URL, OIDC_CLIENT_ID"):
        PortalSettings(portal_auth="oidc")
    settings = PortalSettings(
        environment="production",
        auth_jwks_url="https://id.example/jwks",
        auth_jwt_secret=None,
        portal_auth="oidc",
        oidc_discovery_url="https://id.example",
        oidc_client_id="portal",
        oidc_redirect_url="https://portal.example/auth/callback",
    )
    assert settings.cookie_secure
    assert not settings.development_sign_in


def test_cookies_are_secure_unless_plain_http_development_says_otherwise() -> None:
    assert not PortalSettings().cookie_secure
    assert PortalSettings(portal_cookie_secure=True).cookie_secure
    with pytest.raises(ValidationError, match="unknown time zone"):
        PortalSettings(portal_time_zone="Mars/Olympus")


def test_the_portal_s_demo_users_are_the_devkit_s() -> None:
    ours = {
        (u.key, u.sub, u.name, u.email, u.roles, u.org, u.perimeter, u.locale) for u in DEV_USERS
    }
    theirs = {
        (u.key, u.sub, u.name, u.email, u.roles, u.org, u.perimeter, u.locale)
        for u in DEMO_USERS
        if u.key != "catalog"
    }
    assert ours == theirs


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sessions_expire_when_idle_or_old() -> None:
    clock = Clock()
    store = SessionStore(lifetime_seconds=100, idle_seconds=30, max_sessions=10, clock=clock)
    session = store.create()
    clock.now += 20
    assert store.get(session.id) is session
    clock.now += 20
    assert store.get(session.id) is session
    clock.now += 31
    assert store.get(session.id) is None
    old = store.create()
    for _ in range(5):
        clock.now += 25
        store.get(old.id)
    assert store.get(old.id) is None


def test_sign_in_rotates_the_id_and_the_store_is_bounded() -> None:
    store = SessionStore(lifetime_seconds=100, idle_seconds=100, max_sessions=3)
    session = store.create()
    session.flash("success", "x")
    rotated = store.rotate(session)
    assert rotated.id != session.id
    assert rotated.csrf_token != session.csrf_token
    assert store.get(session.id) is None
    assert rotated.take_flashes() == [("success", "x")]
    for _ in range(5):
        store.create()
    assert len(store) == 3
    assert store.get(rotated.id) is None
    assert store.get(None) is None
