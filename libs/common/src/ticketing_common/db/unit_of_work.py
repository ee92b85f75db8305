"""A unit of work: one transaction, committed explicitly, with the events it emits.

Events emitted through it land in the outbox inside the same transaction, so a change
and the event that reports it commit or vanish together.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.db.engine import SessionFactory
from ticketing_common.events.envelope import CloudEvent
from ticketing_common.outbox import add_to_outbox


class UnitOfWork:
    def __init__(self, session_factory: SessionFactory) -> None:
        self._session_factory = session_factory
        self._session: AsyncSession | None = None
        self._committed = False

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._session_factory()
        self._committed = False
        await self._session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if not self._committed:
                await session.rollback()
        finally:
            await session.close()
            self._session = None

    async def emit(self, event: CloudEvent[Any]) -> None:
        await add_to_outbox(self.session, event)

    async def commit(self) -> None:
        await self.session.commit()
        self._committed = True
