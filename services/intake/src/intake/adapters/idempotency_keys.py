"""A declaration request already answered, by (user, key): what a retry is answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class EarlierAnswer:
    request_hash: str
    declaration_id: str
    response: dict[str, Any]


_EARLIER_ANSWER = text(
    """
    SELECT request_hash, declaration_id, response
    FROM idempotency_keys
    WHERE user_sub = :user_sub AND key = :key
    """
).columns(response=JSONB)


async def read_earlier_answer(
    session: AsyncSession, user_sub: str, key: str
) -> EarlierAnswer | None:
    row = (await session.execute(_EARLIER_ANSWER, {"user_sub": user_sub, "key": key})).first()
    if row is None:
        return None
    return EarlierAnswer(row.request_hash, row.declaration_id, row.response)
