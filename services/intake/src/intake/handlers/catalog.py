"""Idempotent upserts of the catalog, with the checks that keep it consistent.

An object never moves to another organization: tickets, perimeters and histories
refer to it, and a move would show one customer's objects to another.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from intake.adapters.tables import Base, Contact, Contract, Element, Organization, Site
from intake.domain.catalog import (
    ContactBody,
    ContractBody,
    ElementBody,
    OrganizationBody,
    SiteBody,
)
from ticketing_common.web.problems import invalid


async def _upsert(
    session: AsyncSession, table: type[Base], object_id: str, values: dict[str, Any]
) -> bool:
    """Insert or update; True when the object was created."""
    statement: Any = (
        insert(table)
        .values(id=object_id, **values)
        .on_conflict_do_update(index_elements=["id"], set_={**values, "updated_at": func.now()})
        .returning(literal_column("xmax = 0"))
    )
    return bool((await session.execute(statement)).scalar_one())


async def _require_organization(session: AsyncSession, org_id: str) -> None:
    if await session.get(Organization, org_id) is None:
        raise invalid("org_id", "unknown organization", code="unknown")


async def _forbid_move(
    session: AsyncSession, table: type[Base], object_id: str, org_id: str
) -> None:
    current = await session.execute(
        select(table.org_id).where(table.id == object_id)  # type: ignore[attr-defined]
    )
    found = current.scalar_one_or_none()
    if found is not None and found != org_id:
        raise invalid("org_id", "an object cannot move to another organization", code="immutable")


async def put_organization(session: AsyncSession, org_id: str, body: OrganizationBody) -> bool:
    return await _upsert(session, Organization, org_id, body.model_dump())


async def put_contract(session: AsyncSession, contract_id: str, body: ContractBody) -> bool:
    await _require_organization(session, body.org_id)
    await _forbid_move(session, Contract, contract_id, body.org_id)
    same_number = await session.execute(
        select(Contract.id).where(Contract.number == body.number, Contract.id != contract_id)
    )
    if same_number.first() is not None:
        raise invalid("number", "already the number of another contract", code="duplicate")
    return await _upsert(session, Contract, contract_id, body.model_dump(mode="json"))


async def put_element(session: AsyncSession, element_id: str, body: ElementBody) -> bool:
    contract = await session.get(Contract, body.contract_id)
    if contract is None:
        raise invalid("contract_id", "unknown contract", code="unknown")
    current = await session.get(Element, element_id)
    if current is not None and current.contract_id != body.contract_id:
        previous = await session.get(Contract, current.contract_id)
        if previous is not None and previous.org_id != contract.org_id:
            raise invalid(
                "contract_id",
                "a park element cannot move to another organization's contract",
                code="immutable",
            )
    return await _upsert(session, Element, element_id, body.model_dump())


async def put_site(session: AsyncSession, site_id: str, body: SiteBody) -> bool:
    await _require_organization(session, body.org_id)
    await _forbid_move(session, Site, site_id, body.org_id)
    return await _upsert(session, Site, site_id, body.model_dump())


async def put_contact(session: AsyncSession, contact_id: str, body: ContactBody) -> bool:
    await _require_organization(session, body.org_id)
    await _forbid_move(session, Contact, contact_id, body.org_id)
    return await _upsert(session, Contact, contact_id, body.model_dump(mode="json"))
