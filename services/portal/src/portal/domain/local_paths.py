"""Where the portal may send a browser back to: its own pages only (no open redirect)."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(value: str | None, default: str = "/") -> str:
    """``value`` when it is a path of this site, else ``default``.

    Refuses absolute and scheme-relative URLs (``//evil.example``), backslashes that
    browsers read as slashes, and control characters."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value
