"""How the list's ``q`` is searched.

Three ways, any of which finds an incident:

- the words of the reference and the description, in French and in English: a word
  also finds its other forms ("coupée" finds "coupées", "servers" finds "server"),
  accents and case ignored (PostgreSQL full text);
- the text as part of the customer's reference ("lyo" finds "VPN Lyon"), accents and
  case ignored (trigrams);
- the text as part of a ticket number, when it looks like one ("1234" finds
  INC0001234) (trigrams).

Parts need at least three characters: trigram indexes cannot help below that, and a
shorter part would match a large share of a million rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_PART_LENGTH = 3
LIKE_ESCAPE = "\\"

# "1234", "0001234", "inc0001234", "INC000": something typed from a ticket number.
_TICKET_NUMBER_PART = re.compile(r"(?:i|in|inc)?\d*", re.IGNORECASE)


@dataclass(frozen=True)
class SearchText:
    words: str
    # The LIKE pattern for "part of", or None when the text is too short to be one.
    part_pattern: str | None
    ticket_number_pattern: str | None


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards taken literally."""
    escaped = (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


def search_text(raw: str) -> SearchText | None:
    """How to search ``raw``; None when there is nothing to search for."""
    words = " ".join(raw.split())
    if not words:
        return None
    long_enough = len(words) >= MIN_PART_LENGTH
    looks_like_number = long_enough and _TICKET_NUMBER_PART.fullmatch(words) is not None
    return SearchText(
        words=words,
        part_pattern=like_pattern(words) if long_enough else None,
        ticket_number_pattern=like_pattern(words) if looks_like_number else None,
    )
