"""Lists everywhere answer ``{"items": [...], "next_cursor": ...}``.

Cursors are opaque to clients: the keyset of the last item, as base64url JSON. A
cursor that does not decode is a 422 naming ``cursor``.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from ticketing_common.web.problems import invalid

ItemT = TypeVar("ItemT")

MAX_LIMIT = 200
DEFAULT_LIMIT = 50

Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Items per page, at most {MAX_LIMIT}.")
]
Cursor = Annotated[
    str | None,
    Query(max_length=500, description="The next_cursor of the previous page."),
]


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None = None


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise invalid("cursor", "not a cursor of this list", location="query") from exc
    if not isinstance(values, list) or len(values) != arity:
        raise invalid("cursor", "not a cursor of this list", location="query")
    return values
