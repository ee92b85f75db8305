"""Making text safe to stand in an email header.

A customer's reference or a contact's name ends up in ``Subject`` and ``To``. A line
break there would let it start a header of its own (``Bcc: ...``), so every header
value goes through ``clean_header``: line breaks and other control characters become
spaces, and runs of spaces collapse.
"""

from __future__ import annotations

import unicodedata

# Control characters, and the Unicode line and paragraph separators that
# ``str.splitlines`` (and so a careless folder of headers) treats as line ends.
_BREAKING_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def clean_header(value: str) -> str:
    spaced = "".join(
        " " if unicodedata.category(char) in _BREAKING_CATEGORIES else char for char in value
    )
    return " ".join(spaced.split())
