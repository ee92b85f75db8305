"""Query parameters several services share, refused at the door when malformed.

PostgreSQL rejects NUL in text, and control characters have no business in a search:
both are a 422 naming the parameter, never a 500.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"
IDENTIFIER = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$"

SearchText = Annotated[
    str | None,
    Query(max_length=100, pattern=NO_CONTROL_CHARACTERS, description="Text to search for."),
]
IdentifierFilter = Annotated[str | None, Query(max_length=100, pattern=IDENTIFIER)]
