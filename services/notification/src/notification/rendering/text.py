"""Making free text (a comment, a reason) safe and tidy in an email body.

Line breaks are the text's own and stay; every other control character goes, so that
nothing a person typed can move the cursor, hide text or play with the terminal of
whoever reads the plain-text part.
"""

from __future__ import annotations

import re
import unicodedata

_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85|\x0b|\x0c")
_BLANK_RUNS = re.compile(r"\n{3,}")
_OTHER_FORMATTING = frozenset({"Cc", "Zl", "Zp"})


def clean_paragraphs(value: str) -> str:
    """``value`` with ``\\n`` line ends, tabs as spaces, no other control character,
    no trailing spaces, at most one blank line in a row, trimmed."""
    unified = _LINE_BREAKS.sub("\n", value).replace("\t", "    ")
    kept = "".join(
        char
        for char in unified
        if char == "\n" or unicodedata.category(char) not in _OTHER_FORMATTING
    )
    lines = [line.rstrip() for line in kept.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n").strip()
