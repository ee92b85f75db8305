"""What every service accepts as text people write: valid Unicode, and no control
characters (on one line, none; on several, line breaks and tabs only).

Services bound their fields with ``StringConstraints`` and add one of these as an
``AfterValidator``, so the rule is the same for a declaration and a comment.
"""

from __future__ import annotations

import re

# Line and paragraph separators break a single line as surely as a newline does.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# JSON may carry lone UTF-16 surrogates ("\ud800"): no text holds them, and the
# database would refuse them (a 500 instead of a 422).
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _valid_unicode(value: str) -> None:
    if _SURROGATE.search(value):
        raise ValueError("holds a lone surrogate, which is not a character")


def single_line(value: str) -> str:
    _valid_unicode(value)
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


def multi_line(value: str) -> str:
    _valid_unicode(value)
    if _CONTROL_EXCEPT_LINES.search(value):
        raise ValueError("control characters other than line breaks and tabs are not allowed")
    return value
