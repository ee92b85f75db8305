"""``If-Match``: the version a change was decided on.

The ticket's ``ETag`` is its version, quoted (``"3"``). A change sent with the ETag it
read is applied only if the ticket is still at that version (else 412); a change that
needs one and comes without is 428. Weak tags never match (RFC 9110 compares If-Match
strongly), and ``*`` counts as no version at all: it would apply the change to whatever
the ticket has become.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Depends, Header

from ticketing_common.web.problems import Problem, invalid

# What every endpoint taking If-Match may answer besides its own refusals (OpenAPI).
PRECONDITION_RESPONSES: dict[int | str, dict[str, Any]] = {
    412: {"description": "If-Match is not the ticket's version"},
    428: {"description": "If-Match is missing"},
}

_ENTITY_TAG = re.compile(r'^(W/)?"([\x21\x23-\x7e]*)"$')

IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description='The ticket\'s ETag as last read, e.g. "3".',
    ),
]


def version_required() -> Problem:
    return Problem(
        428,
        'this change needs the header If-Match: "<version>" with the ticket\'s version '
        "as last read (its ETag)",
        slug="precondition-required",
    )


def parse_if_match(value: str | None) -> frozenset[int] | None:
    """The versions the caller accepts; None when no header was sent, or ``*``."""
    if value is None or value.strip() == "*":
        return None
    versions: set[int] = set()
    for part in value.split(","):
        match = _ENTITY_TAG.match(part.strip())
        if match is None:
            raise invalid(
                "If-Match",
                'expected the ETag as read, quoted, e.g. "3"',
                location="header",
            )
        weak, tag = match.groups()
        if weak is None and tag.isdigit():
            versions.add(int(tag))
    return frozenset(versions)


async def _if_match(if_match: IfMatchHeader = None) -> frozenset[int] | None:
    # async: a plain ``def`` would be run in the thread pool.
    return parse_if_match(if_match)


IfMatch = Annotated[frozenset[int] | None, Depends(_if_match)]
