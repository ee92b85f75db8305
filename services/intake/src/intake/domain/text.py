"""Text fields as the declaration accepts them: trimmed, bounded, no control characters."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from ticketing_common.text import multi_line, single_line

_IDENTIFIER = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"


Identifier = Annotated[str, StringConstraints(pattern=_IDENTIFIER)]


ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(single_line),
]
# A kind of service ("Flexible Engine", "Business VPN"): a short name, listed and searched.
ServiceTypeText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(single_line),
]
AddressText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    AfterValidator(single_line),
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
    AfterValidator(multi_line),
]
