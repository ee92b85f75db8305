"""Texts people write on a ticket: trimmed, bounded, and as every service accepts text
(``ticketing_common.text``: valid Unicode, no control characters).

The bounds are those of ``ticket.updated.v1`` (a comment up to 10,000 characters, a
reason up to 2,000), so whatever is accepted can be announced.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

from ticketing_common.text import multi_line, single_line

CommentText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=10000),
    AfterValidator(multi_line),
]
ReasonText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(multi_line),
]
NameText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(single_line),
]
