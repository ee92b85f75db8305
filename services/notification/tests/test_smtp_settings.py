"""``SMTP_URL`` and the other mail settings."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from notification.adapters.smtp_endpoint import SmtpEndpoint, parse_smtp_url
from notification.settings import NotificationSettings


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://127.0.0.1:1025", SmtpEndpoint("127.0.0.1", 1025)),
        ("smtp://mail.example.com", SmtpEndpoint("mail.example.com", 25)),
        (
            "smtp://desk:s3cret@mail.example.com:587?starttls=true",
            SmtpEndpoint("mail.example.com", 587, "desk", "s3cret", starttls=True),
        ),
        (
            "smtps://desk%40example.com:p%3Ass%40@mail.example.com",
            SmtpEndpoint("mail.example.com", 465, "desk@example.com", "p:ss@", implicit_tls=True),
        ),
        ("smtp://mail.example.com:2525/?starttls=false", SmtpEndpoint("mail.example.com", 2525)),
    ],
)
def test_smtp_urls_are_understood(url: str, expected: SmtpEndpoint) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://mail.example.com",
        "smtp://",
        "smtp://mail.example.com:notaport",
        "smtp://mail.example.com/path",
        "smtp://mail.example.com?tls=yes",
        "smtp://mail.example.com?starttls=maybe",
        "smtps://mail.example.com?starttls=true",
    ],
)
def test_bad_smtp_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="SMTP_URL"):
        parse_smtp_url(url)


def test_the_password_never_shows() -> None:
    endpoint = parse_smtp_url("smtp://desk:s3cret@mail.example.com")
    assert "s3cret" not in repr(endpoint)
    assert "s3cret" not in endpoint.describe()
    settings = NotificationSettings(smtp_url=SecretStr("smtp://desk:s3cret@mail.example.com"))
    assert "s3cret" not in repr(settings)
    with pytest.raises(ValidationError) as refused:
        NotificationSettings(smtp_url=SecretStr("smtpx://desk:s3cret@mail.example.com"))
    assert "s3cret" not in str(refused.value)


def test_settings_default_to_the_local_mail_catcher(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SMTP_URL",
        "MAIL_FROM",
        "PORTAL_BASE_URL",
        "DATABASE_URL",
        "HTTP_PORT",
        "SMTP_MAX_CONNECTIONS",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = NotificationSettings()
    assert settings.smtp_endpoint == SmtpEndpoint("127.0.0.1", 1025)
    assert settings.sender.address == "incidents@ticketing.invalid"
    assert settings.portal_base_url == "http://127.0.0.1:8000"
    assert settings.http_port == 8003
    assert settings.database_url.endswith("/notification")
    assert settings.smtp_max_connections == 8


def test_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_URL", "smtps://relay.example.com")
    monkeypatch.setenv("MAIL_FROM", "Support <support@example.com>")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://portal.example.com")
    monkeypatch.setenv("DELIVERY_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("SMTP_MAX_CONNECTIONS", "2")
    settings = NotificationSettings()
    assert settings.smtp_endpoint.implicit_tls
    assert settings.sender.domain == "example.com"
    assert settings.portal_base_url == "https://portal.example.com"
    assert settings.retry_policy.max_attempts == 3
    assert settings.smtp_max_connections == 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"mail_from": "nobody"},
        {"portal_base_url": "portal.example.com"},
        {"delivery_backoff_base_seconds": 10, "delivery_backoff_max_seconds": 5},
        {"smtp_max_connections": 0},
    ],
)
def test_bad_mail_settings_are_refused_at_start(overrides: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        NotificationSettings(**overrides)  # type: ignore[arg-type]
