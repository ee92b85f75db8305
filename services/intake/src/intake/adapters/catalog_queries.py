"""What a caller may pick from in the catalog, scoped to their organization and perimeter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake.adapters.tables import Contact, Contract, Element, Site
from ticketing_common.auth.principal import Principal
from ticketing_common.auth.sql_scope import contract_condition, organization_condition

# Punctuation that separates words in numbers and labels ("FR-2024/1001", "VPN Lyon – Paris"):
# each becomes a space, so a search finds what follows it as a word of its own.
_SEPARATORS = "-/._,;:()[]'\"–—+#"


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _normalized(value: Any) -> ColumnElement[str]:
    # unaccent before lower: under the "C" collation lower() leaves "É" as it is, and
    # unaccent turns it into a plain "E" that lower() always knows.
    words = func.translate(value, _SEPARATORS, " " * len(_SEPARATORS))
    return func.lower(func.unaccent(words))


def word_prefix(column: Any, query: str) -> ColumnElement[bool]:
    """The column, or one of its words, starts with ``query`` (accents, case and
    punctuation ignored)."""
    needle = " ".join(query.translate(str.maketrans(_SEPARATORS, " " * len(_SEPARATORS))).split())
    pattern = func.lower(func.unaccent(_like_prefix(needle)))
    return or_(
        _normalized(column).like(pattern, escape="\\"),
        _normalized(column).like(func.concat("% ", pattern), escape="\\"),
    )


def contract_scope(caller: Principal, org: str | None) -> ColumnElement[bool]:
    """Contracts the caller may declare on: the shared rule, so the form never offers
    what a declaration would refuse."""
    return contract_condition(caller, Contract.org_id, Contract.id, org)


def org_scope(column: Any, caller: Principal, org: str | None) -> ColumnElement[bool]:
    return organization_condition(caller, column, org)


async def _page(
    session: AsyncSession, statement: Select[Any], id_column: Any, after: str | None, limit: int
) -> Sequence[Any]:
    if after is not None:
        statement = statement.where(id_column > after)
    rows = await session.execute(statement.order_by(id_column).limit(limit + 1))
    found: Sequence[Any] = rows.scalars().all()
    return found


async def list_contracts(
    session: AsyncSession,
    caller: Principal,
    *,
    org: str | None,
    status: str | None = None,
    after: str | None,
    limit: int,
) -> Sequence[Contract]:
    statement = select(Contract).where(contract_scope(caller, org))
    if status is not None:
        statement = statement.where(Contract.status == status)
    return await _page(session, statement, Contract.id, after, limit)


async def list_elements(
    session: AsyncSession,
    caller: Principal,
    *,
    org: str | None,
    contract: str | None,
    query: str | None,
    after: str | None,
    limit: int,
) -> Sequence[Element]:
    statement = (
        select(Element)
        .join(Contract, Contract.id == Element.contract_id)
        .where(contract_scope(caller, org))
    )
    if contract:
        statement = statement.where(Element.contract_id == contract)
    if query and query.strip():
        statement = statement.where(
            or_(
                word_prefix(Contract.number, query),
                word_prefix(Element.label, query),
                word_prefix(Element.service_type, query),
            )
        )
    return await _page(session, statement, Element.id, after, limit)


async def list_sites(
    session: AsyncSession, caller: Principal, *, org: str | None, after: str | None, limit: int
) -> Sequence[Site]:
    statement = select(Site).where(org_scope(Site.org_id, caller, org))
    return await _page(session, statement, Site.id, after, limit)


async def list_contacts(
    session: AsyncSession,
    caller: Principal,
    *,
    org: str | None,
    query: str | None,
    after: str | None,
    limit: int,
) -> Sequence[Contact]:
    statement = select(Contact).where(org_scope(Contact.org_id, caller, org))
    if query and query.strip():
        statement = statement.where(
            or_(word_prefix(Contact.name, query), word_prefix(Contact.email, query))
        )
    return await _page(session, statement, Contact.id, after, limit)
