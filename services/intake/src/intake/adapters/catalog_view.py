"""Load the catalog objects a declaration names, for the pure rules to judge."""

from __future__ import annotations

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from intake.adapters.tables import Attachment, Contact, Contract, Declaration, Element, Site
from intake.domain.attachments import AttachmentFacts
from intake.domain.declaration import (
    CatalogView,
    ContactFacts,
    ContractFacts,
    DeclarationRequest,
    ElementFacts,
    SiteFacts,
)
from ticketing_common.reference import Language


async def load_catalog_view(session: AsyncSession, request: DeclarationRequest) -> CatalogView:
    contract, element, site = await _named_objects(session, request)
    contact_ids = {item.contact_id for item in request.notify if item.contact_id}
    if request.interlocutor_id:
        contact_ids.add(request.interlocutor_id)
    contacts: dict[str, ContactFacts] = {}
    if contact_ids:
        rows = await session.execute(select(Contact).where(Contact.id.in_(contact_ids)))
        for contact in rows.scalars():
            contacts[contact.id] = ContactFacts(
                id=contact.id,
                org_id=contact.org_id,
                name=contact.name,
                email=contact.email,
                language=Language(contact.language),
            )
    return CatalogView(
        contract=ContractFacts(contract.id, contract.org_id, contract.status) if contract else None,
        element=ElementFacts(element.id, element.contract_id, tuple(element.regions))
        if element
        else None,
        site=SiteFacts(site.id, site.org_id) if site else None,
        contacts=contacts,
        attachments=await load_attachment_facts(session, request.distinct_attachment_ids()),
    )


async def _named_objects(
    session: AsyncSession, request: DeclarationRequest
) -> tuple[Contract | None, Element | None, Site | None]:
    """The contract, the element and the site the request names, in one round trip:
    each joined, or NULL, onto a single row (the POST's hot path, bench/RESULTS.md)."""
    one = select(literal(1).label("one")).subquery()
    row = (
        await session.execute(
            select(Contract, Element, Site)
            .select_from(one)
            .outerjoin(Contract, Contract.id == request.contract_id)
            .outerjoin(Element, Element.id == request.element_id)
            # With no site named, "site.id = NULL" matches nothing: site stays None.
            .outerjoin(Site, Site.id == request.site_id)
        )
    ).one()
    return row[0], row[1], row[2]


async def load_attachment_facts(
    session: AsyncSession, attachment_ids: list[str]
) -> dict[str, AttachmentFacts]:
    if not attachment_ids:
        return {}
    rows = await session.execute(
        select(Attachment.id, Attachment.org_id, Attachment.declaration_id, Declaration.contract_id)
        .outerjoin(Declaration, Declaration.id == Attachment.declaration_id)
        .where(Attachment.id.in_(attachment_ids))
    )
    return {
        row.id: AttachmentFacts(row.id, row.org_id, row.declaration_id, row.contract_id)
        for row in rows
    }
