"""``/v1/catalog/...``: idempotent upserts of the customer catalog (``ops:catalog``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from intake.adapters.tables import Base, Contact, Contract, Element, Organization, Site
from intake.domain.catalog import (
    ContactBody,
    ContactOut,
    ContractBody,
    ContractOut,
    ElementBody,
    ElementOut,
    OrganizationBody,
    OrganizationOut,
    SiteBody,
    SiteOut,
)
from intake.entrypoints.api.strict_query import refuse_unknown_query_parameters
from intake.handlers import catalog
from ticketing_common.auth.principal import OPERATIONS_ROLES, Role
from ticketing_common.web.access import Scope, access
from ticketing_common.web.dependencies import ReadSession, Runtime
from ticketing_common.web.problems import Problem, not_found

router = APIRouter(
    prefix="/v1/catalog",
    tags=["catalog administration"],
    dependencies=[Depends(refuse_unknown_query_parameters)],
)

WRITE = access(frozenset({Role.OPS_CATALOG}), Scope.OPERATIONS)
READ = access(OPERATIONS_ROLES, Scope.OPERATIONS)
ObjectId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")]

BodyT = TypeVar("BodyT", bound=BaseModel)
OutT = TypeVar("OutT", bound=BaseModel)


async def _put(
    runtime: Any,
    response: Response,
    object_id: str,
    body: BodyT,
    upsert: Callable[[AsyncSession, str, BodyT], Awaitable[bool]],
    out: type[OutT],
) -> OutT:
    try:
        async with runtime.unit_of_work() as uow:
            created = await upsert(uow.session, object_id, body)
            await uow.commit()
    except IntegrityError as exc:
        # Two writers raced on the same unique value: the loser learns it plainly.
        raise Problem(409, "a concurrent change conflicts with this one; retry") from exc
    response.status_code = 201 if created else 200
    return out(id=object_id, **body.model_dump())


async def _get(session: AsyncSession, table: type[Base], object_id: str, out: type[OutT]) -> OutT:
    found = await session.get(table, object_id)
    if found is None:
        raise not_found(table.__tablename__.rstrip("s"))
    columns = {name: getattr(found, name) for name in out.model_fields}
    return out(**columns)


_CREATED: dict[int | str, dict[str, Any]] = {201: {"description": "Created"}}


@router.put("/organizations/{org_id}", **WRITE, responses=_CREATED)
async def put_organization(
    org_id: ObjectId, body: OrganizationBody, runtime: Runtime, response: Response
) -> OrganizationOut:
    return await _put(runtime, response, org_id, body, catalog.put_organization, OrganizationOut)


@router.put("/contracts/{contract_id}", **WRITE, responses=_CREATED)
async def put_contract(
    contract_id: ObjectId, body: ContractBody, runtime: Runtime, response: Response
) -> ContractOut:
    return await _put(runtime, response, contract_id, body, catalog.put_contract, ContractOut)


@router.put("/elements/{element_id}", **WRITE, responses=_CREATED)
async def put_element(
    element_id: ObjectId, body: ElementBody, runtime: Runtime, response: Response
) -> ElementOut:
    return await _put(runtime, response, element_id, body, catalog.put_element, ElementOut)


@router.put("/sites/{site_id}", **WRITE, responses=_CREATED)
async def put_site(
    site_id: ObjectId, body: SiteBody, runtime: Runtime, response: Response
) -> SiteOut:
    return await _put(runtime, response, site_id, body, catalog.put_site, SiteOut)


@router.put("/contacts/{contact_id}", **WRITE, responses=_CREATED)
async def put_contact(
    contact_id: ObjectId, body: ContactBody, runtime: Runtime, response: Response
) -> ContactOut:
    return await _put(runtime, response, contact_id, body, catalog.put_contact, ContactOut)


@router.get("/organizations/{org_id}", **READ)
async def get_organization(org_id: ObjectId, session: ReadSession) -> OrganizationOut:
    return await _get(session, Organization, org_id, OrganizationOut)


@router.get("/contracts/{contract_id}", **READ)
async def get_contract(contract_id: ObjectId, session: ReadSession) -> ContractOut:
    return await _get(session, Contract, contract_id, ContractOut)


@router.get("/elements/{element_id}", **READ)
async def get_element(element_id: ObjectId, session: ReadSession) -> ElementOut:
    return await _get(session, Element, element_id, ElementOut)


@router.get("/sites/{site_id}", **READ)
async def get_site(site_id: ObjectId, session: ReadSession) -> SiteOut:
    return await _get(session, Site, site_id, SiteOut)


@router.get("/contacts/{contact_id}", **READ)
async def get_contact(contact_id: ObjectId, session: ReadSession) -> ContactOut:
    return await _get(session, Contact, contact_id, ContactOut)
