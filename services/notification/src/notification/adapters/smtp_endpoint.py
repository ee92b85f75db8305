"""Where mail goes, read from ``SMTP_URL``.

``smtp://host:port`` (plain), ``smtp://host:port?starttls=true`` (upgraded with
STARTTLS, refused if the server cannot), ``smtps://host:port`` (TLS from the first
byte); ``user:password@`` before the host logs in. Percent-encode ``@`` or ``:`` in a
user name or password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_PORTS = {"smtp": 25, "smtps": 465}
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


@dataclass(frozen=True)
class SmtpEndpoint:
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    implicit_tls: bool = False
    starttls: bool = False

    def describe(self) -> str:
        """For logs: never the password."""
        scheme = "smtps" if self.implicit_tls else "smtp"
        user = f"{self.username}@" if self.username else ""
        suffix = "?starttls=true" if self.starttls else ""
        return f"{scheme}://{user}{self.host}:{self.port}{suffix}"


def parse_smtp_url(url: str) -> SmtpEndpoint:
    """The endpoint of ``url``; ``ValueError`` (never quoting the password) if bad."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError("SMTP_URL must start with smtp:// or smtps://")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise ValueError("SMTP_URL has an invalid port") from exc
    if not parts.hostname:
        raise ValueError("SMTP_URL names no host")
    if parts.path not in {"", "/"} or parts.fragment:
        raise ValueError("SMTP_URL takes no path")
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(options) - {"starttls"}
    if unknown:
        raise ValueError(f"SMTP_URL has unknown options: {', '.join(sorted(unknown))}")
    starttls = _flag(options.get("starttls", ["false"])[-1])
    if starttls and scheme == "smtps":
        raise ValueError("SMTP_URL: smtps:// is TLS already; starttls applies to smtp:// only")
    return SmtpEndpoint(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
        implicit_tls=scheme == "smtps",
        starttls=starttls,
    )


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("SMTP_URL option starttls must be true or false")
