"""Reading a ticket and its history: statements built once, in Core.

They run on the shared read session, outside any transaction (``ReadSession``),
and their rows have the ORM objects' attribute names, so what shows a ticket or an
entry takes either (``tables.TicketRecord``, ``tables.HistoryRecord``).
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Row, bindparam, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ticket_store.adapters.tables import HISTORY, TICKETS

_TICKET: Final = select(TICKETS).where(TICKETS.c.ticket_number == bindparam("ticket_number"))

# Who may see a ticket depends on these two only: no need to read the whole row.
_SCOPE: Final = select(TICKETS.c.org_id, TICKETS.c.contract_id).where(
    TICKETS.c.ticket_number == bindparam("ticket_number")
)

# One statement for every reader and page: the flag and the cursor are parameters
# (ids start at 1, so "after 0" is the first page).
_HISTORY_PAGE: Final = (
    select(HISTORY)
    .where(
        HISTORY.c.ticket_number == bindparam("ticket_number"),
        or_(HISTORY.c.public, not_(bindparam("public_only"))),
        HISTORY.c.id > bindparam("after_id"),
    )
    .order_by(HISTORY.c.id)
    .limit(bindparam("rows"))
)


async def read_ticket(session: AsyncSession, ticket_number: str) -> Row[Any] | None:
    result = await session.execute(_TICKET, {"ticket_number": ticket_number})
    return result.one_or_none()


async def read_scope(session: AsyncSession, ticket_number: str) -> tuple[str, str] | None:
    """The ticket's ``org_id`` and ``contract_id``; None when there is no such ticket."""
    result = await session.execute(_SCOPE, {"ticket_number": ticket_number})
    found = result.one_or_none()
    return None if found is None else (found.org_id, found.contract_id)


async def read_history_page(
    session: AsyncSession,
    ticket_number: str,
    *,
    public_only: bool,
    after_id: int,
    rows: int,
) -> list[Row[Any]]:
    """Up to ``rows`` history entries of the ticket after ``after_id``, oldest first;
    only the public ones when ``public_only``."""
    result = await session.execute(
        _HISTORY_PAGE,
        {
            "ticket_number": ticket_number,
            "public_only": public_only,
            "after_id": after_id,
            "rows": rows,
        },
    )
    return list(result.all())
