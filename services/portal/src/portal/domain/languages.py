"""Which language a page speaks: the visitor's choice, else their browser's, else French."""

from __future__ import annotations

from typing import Final, Literal

Lang = Literal["fr", "en"]
LANGUAGES: Final[tuple[Lang, ...]] = ("fr", "en")
DEFAULT: Final[Lang] = "fr"


def as_language(value: str | None) -> Lang | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text == "fr":
        return "fr"
    if text == "en":
        return "en"
    return None


def from_accept_language(header: str | None) -> Lang | None:
    """The first of our languages in an Accept-Language header, by quality then order."""
    if not header:
        return None
    ranked: list[tuple[float, int, Lang]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        language = as_language(tag.split("-")[0])
        if language is not None and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def negotiate(cookie: str | None, accept_language: str | None) -> Lang:
    return as_language(cookie) or from_accept_language(accept_language) or DEFAULT
