"""Counting the statements sent to the database, to keep the hot paths' round trips few."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from ticketing_common.db.engine import SessionFactory


@contextmanager
def statements_sent(session_factory: SessionFactory) -> Iterator[list[str]]:
    """The statements executed while in the block, first words only."""
    engine = session_factory.kw["bind"]
    assert isinstance(engine, AsyncEngine)
    sent: list[str] = []

    def note(
        _connection: Any, _cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool
    ) -> None:
        sent.append(" ".join(statement.split())[:60])

    event.listen(engine.sync_engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", note)
