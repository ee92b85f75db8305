"""Texts people write on a ticket: trimmed, bounded, no control characters.

The bounds are those of ``ticket.updated.v1`` (a comment up to 10,000 characters, a
reason up to 2,000), so whatever is accepted can be announced.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _single_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


def _multi_line(value: str) -> str:
    if _CONTROL_EXCEPT_LINES.search(value):
        raise ValueError("control characters other than line breaks and tabs are not allowed")
    return value


CommentText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=10000),
    AfterValidator(_multi_line),
]
ReasonText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(_multi_line),
]
NameText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_single_line),
]
