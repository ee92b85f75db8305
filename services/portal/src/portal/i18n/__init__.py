"""The portal's words in French and English."""

from __future__ import annotations

from typing import Any

from portal.domain.languages import Lang
from portal.i18n.messages import MESSAGES


def translate(lang: Lang, key: str, **params: Any) -> str:
    """The message in ``lang``; an unknown key shows itself, so a gap is visible (and a
    test finds every key the templates use)."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry[lang]
    return text.format(**params) if params else text
