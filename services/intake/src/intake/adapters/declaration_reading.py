"""What a declaration needs read before the rules judge it, in one statement: the
earlier answer to its idempotency key, and the catalog objects and files it names.

The POST's hot path (bench/RESULTS.md): one round trip, no transaction (a single
statement reads one snapshot), no ORM object, the statement built once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from intake.adapters.idempotency_keys import EarlierAnswer
from intake.domain.attachments import AttachmentFacts
from intake.domain.declaration import (
    CatalogView,
    ContactFacts,
    ContractFacts,
    DeclarationRequest,
    ElementFacts,
    SiteFacts,
)
from ticketing_common.events.incident_declared import DeclaredSiteV1
from ticketing_common.reference import Language


@dataclass(frozen=True)
class DeclarationReading:
    # The key's answer when it was used before: the request is then replayed, not judged.
    earlier: EarlierAnswer | None
    catalog: CatalogView
    # The named site as the event describes it (search draws its map from it).
    site: DeclaredSiteV1 | None


# Each object joined, or NULL, onto a single row; with no site named, "site.id = NULL"
# matches nothing. Contacts and files come as arrays of rows (text arrays, decoded by
# the driver), in one round trip with the rest. "= ANY(array)" keeps the statement's
# text the same whatever the number of ids, so the server prepares it once per
# connection.
_READING = text(
    """
    SELECT
        earlier.request_hash AS earlier_request_hash,
        earlier.declaration_id AS earlier_declaration_id,
        earlier.response AS earlier_response,
        contract.id AS contract_id,
        contract.org_id AS contract_org_id,
        contract.status AS contract_status,
        element.id AS element_id,
        element.contract_id AS element_contract_id,
        element.regions AS element_regions,
        site.id AS site_id,
        site.org_id AS site_org_id,
        site.name AS site_name,
        site.latitude AS site_latitude,
        site.longitude AS site_longitude,
        ARRAY(
            SELECT ARRAY[contact.id, contact.org_id, contact.name, contact.email, contact.language]
            FROM contacts AS contact
            WHERE contact.id = ANY(:contact_ids)
        ) AS contacts,
        ARRAY(
            SELECT ARRAY[file.id, file.org_id, file.declaration_id, holder.contract_id]
            FROM attachments AS file
            LEFT JOIN declarations AS holder ON holder.id = file.declaration_id
            WHERE file.id = ANY(:attachment_ids)
        ) AS attachments
    FROM (SELECT 1) AS one
    LEFT JOIN idempotency_keys AS earlier
        ON earlier.user_sub = :user_sub AND earlier.key = :key
    LEFT JOIN contracts AS contract ON contract.id = :contract_id
    LEFT JOIN elements AS element ON element.id = :element_id
    LEFT JOIN sites AS site ON site.id = :site_id
    """
).columns(earlier_response=JSONB)


async def read_for_declaration(
    session: AsyncSession, user_sub: str, key: str, request: DeclarationRequest
) -> DeclarationReading:
    contact_ids = {item.contact_id for item in request.notify if item.contact_id}
    if request.interlocutor_id:
        contact_ids.add(request.interlocutor_id)
    row = (
        await session.execute(
            _READING,
            {
                "user_sub": user_sub,
                "key": key,
                "contract_id": request.contract_id,
                "element_id": request.element_id,
                "site_id": request.site_id,
                "contact_ids": sorted(contact_ids),
                "attachment_ids": request.distinct_attachment_ids(),
            },
        )
    ).one()
    return DeclarationReading(earlier=_earlier(row), catalog=_catalog(row), site=_site(row))


def _earlier(row: Row[Any]) -> EarlierAnswer | None:
    if row.earlier_request_hash is None:
        return None
    return EarlierAnswer(row.earlier_request_hash, row.earlier_declaration_id, row.earlier_response)


def _catalog(row: Row[Any]) -> CatalogView:
    return CatalogView(
        contract=ContractFacts(row.contract_id, row.contract_org_id, row.contract_status)
        if row.contract_id is not None
        else None,
        element=ElementFacts(row.element_id, row.element_contract_id, tuple(row.element_regions))
        if row.element_id is not None
        else None,
        site=SiteFacts(row.site_id, row.site_org_id) if row.site_id is not None else None,
        contacts={
            contact_id: ContactFacts(contact_id, org_id, name, email, Language(language))
            for contact_id, org_id, name, email, language in row.contacts
        },
        attachments={
            file_id: AttachmentFacts(file_id, org_id, declaration_id, contract_id)
            for file_id, org_id, declaration_id, contract_id in row.attachments
        },
    )


def _site(row: Row[Any]) -> DeclaredSiteV1 | None:
    if row.site_id is None:
        return None
    return DeclaredSiteV1(
        name=row.site_name, latitude=row.site_latitude, longitude=row.site_longitude
    )
