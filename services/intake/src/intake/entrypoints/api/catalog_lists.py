"""What the declaration form lets the caller pick from, scoped to their perimeter."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from intake.adapters import catalog_queries
from intake.domain.catalog import ContactOut, ContractOut, ContractStatus, ElementOut, SiteOut
from intake.entrypoints.api.strict_query import refuse_unknown_query_parameters
from ticketing_common.auth.principal import CUSTOMER_ROLES, OPERATIONS_ROLES
from ticketing_common.web.access import CurrentPrincipal, Scope, access
from ticketing_common.web.dependencies import ReadSession
from ticketing_common.web.paging import Cursor, Limit, Page, decode_cursor, encode_cursor
from ticketing_common.web.problems import invalid
from ticketing_common.web.query import IDENTIFIER, IdentifierFilter, SearchText

router = APIRouter(
    prefix="/v1",
    tags=["declaration form"],
    dependencies=[Depends(refuse_unknown_query_parameters)],
)

PICKERS = CUSTOMER_ROLES | OPERATIONS_ROLES
OrgFilter = Annotated[
    str | None,
    Query(max_length=100, pattern=IDENTIFIER, description="Operations only: one organization."),
]

OutT = TypeVar("OutT", bound=BaseModel)


def _page(rows: Sequence[Any], limit: int, to_out: Callable[[Any], OutT]) -> Page[OutT]:
    items = [to_out(row) for row in rows[:limit]]
    next_cursor = encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return Page[OutT](items=items, next_cursor=next_cursor)


def _after(cursor: str | None) -> str | None:
    values = decode_cursor(cursor, 1)
    if not values:
        return None
    # A cursor is ours, but a client can forge one: what it holds goes into a query,
    # where a NUL or a lone surrogate would fail in the database rather than here.
    after = values[0]
    if not isinstance(after, str) or not re.fullmatch(IDENTIFIER, after):
        raise invalid("cursor", "not a cursor of this list", location="query")
    return after


def _out(model: type[OutT]) -> Callable[[Any], OutT]:
    def convert(row: Any) -> OutT:
        return model(**{name: getattr(row, name) for name in model.model_fields})

    return convert


@router.get("/contracts", **access(PICKERS, Scope.PERIMETER))
async def list_contracts(
    caller: CurrentPrincipal,
    session: ReadSession,
    org: OrgFilter = None,
    status: Annotated[
        ContractStatus | None,
        Query(description="Only contracts in this status (`active`: those open to declarations)."),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ContractOut]:
    """The contracts the caller may declare on (a visitor: those of their perimeter)."""
    rows = await catalog_queries.list_contracts(
        session, caller, org=org, status=status, after=_after(cursor), limit=limit
    )
    return _page(rows, limit, _out(ContractOut))


@router.get("/elements", **access(PICKERS, Scope.PERIMETER))
async def list_elements(
    caller: CurrentPrincipal,
    session: ReadSession,
    contract: IdentifierFilter = None,
    q: SearchText = None,
    org: OrgFilter = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ElementOut]:
    """Park elements of one contract, or found by contract number or service name."""
    rows = await catalog_queries.list_elements(
        session, caller, org=org, contract=contract, query=q, after=_after(cursor), limit=limit
    )
    return _page(rows, limit, _out(ElementOut))


@router.get("/sites", **access(PICKERS, Scope.ORGANIZATION))
async def list_sites(
    caller: CurrentPrincipal,
    session: ReadSession,
    org: OrgFilter = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[SiteOut]:
    rows = await catalog_queries.list_sites(
        session, caller, org=org, after=_after(cursor), limit=limit
    )
    return _page(rows, limit, _out(SiteOut))


@router.get("/contacts", **access(PICKERS, Scope.ORGANIZATION))
async def list_contacts(
    caller: CurrentPrincipal,
    session: ReadSession,
    q: SearchText = None,
    org: OrgFilter = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[ContactOut]:
    rows = await catalog_queries.list_contacts(
        session, caller, org=org, query=q, after=_after(cursor), limit=limit
    )
    return _page(rows, limit, _out(ContactOut))
