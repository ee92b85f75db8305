"""Text fields as the declaration accepts them: trimmed, bounded, no control characters."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

# Line and paragraph separators break a single line as surely as a newline does.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# JSON may carry lone UTF-16 surrogates ("\ud800"): no text holds them, and the
# database would refuse them.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_IDENTIFIER = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"


def _valid_unicode(value: str) -> None:
    if _SURROGATE.search(value):
        raise ValueError("holds a lone surrogate, which is not a character")


def _single_line(value: str) -> str:
    _valid_unicode(value)
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


def _multi_line(value: str) -> str:
    _valid_unicode(value)
    if _CONTROL_EXCEPT_LINES.search(value):
        raise ValueError("control characters other than line breaks and tabs are not allowed")
    return value


Identifier = Annotated[str, StringConstraints(pattern=_IDENTIFIER)]


ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_single_line),
]
# A kind of service ("Flexible Engine", "Business VPN"): a short name, listed and searched.
ServiceTypeText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
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
