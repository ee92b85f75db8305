"""Text fields as the declaration accepts them: trimmed, bounded, no control characters."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_IDENTIFIER = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"


def _single_line(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


def _multi_line(value: str) -> str:
    if _CONTROL_EXCEPT_LINES.search(value):
        raise ValueError("control characters other than line breaks and tabs are not allowed")
    return value


Identifier = Annotated[str, StringConstraints(pattern=_IDENTIFIER)]


ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_single_line),
]
AddressText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(_single_line),
]
PhoneText = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=3, max_length=50, pattern=r"^\+?[0-9 ().-]+$"
    ),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=10000),
    AfterValidator(_multi_line),
]
