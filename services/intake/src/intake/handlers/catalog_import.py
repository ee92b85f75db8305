"""Import a whole catalog, as the provider's CRM exports it, in one transaction.

Objects are applied in dependency order (organizations, contracts, elements, sites,
contacts), whatever order the files gave them in. Each object is created, changed,
left unchanged, or refused with the reason; a refused object is rolled back alone (a
savepoint) and the rest commits, unless the import is a dry run, which commits nothing.
The same checks as the ``PUT /v1/catalog/...`` upserts apply, so an import cannot
make the catalog inconsistent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from intake.adapters.catalog_files import (
    KINDS,
    CatalogRecord,
    CatalogRecords,
    read_catalog_path,
    records_from_document,
)
from intake.adapters.tables import Base, Contact, Contract, Element, Organization, Site
from intake.domain.catalog import ContactBody, ContractBody, ElementBody, OrganizationBody, SiteBody
from intake.handlers import catalog
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.web.problems import Problem

Upsert = Callable[[AsyncSession, str, Any], Awaitable[bool]]

APPLY: dict[str, tuple[type[BaseModel], type[Base], Upsert]] = {
    "organizations": (OrganizationBody, Organization, catalog.put_organization),
    "contracts": (ContractBody, Contract, catalog.put_contract),
    "elements": (ElementBody, Element, catalog.put_element),
    "sites": (SiteBody, Site, catalog.put_site),
    "contacts": (ContactBody, Contact, catalog.put_contact),
}


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False

    def summary(self) -> str:
        """The refusals, one a line, then the counts (the last line, for scripts)."""
        lines = [f"  refused {what}: {why}" for what, why in self.refused]
        verb = "would be: " if self.dry_run else ""
        lines.append(
            f"{verb}created {len(self.created)}, changed {len(self.changed)}, "
            f"unchanged {len(self.unchanged)}, refused {len(self.refused)}"
            + (" (dry run: nothing was written)" if self.dry_run else "")
        )
        return "\n".join(lines)


def _same(existing: Base, body: BaseModel) -> bool:
    values = body.model_dump(mode="json")
    return all(getattr(existing, name) == value for name, value in values.items())


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])


async def import_records(session: AsyncSession, read: CatalogRecords) -> ImportReport:
    report = ImportReport(refused=list(read.refused))
    ordered: Sequence[CatalogRecord] = sorted(read.records, key=lambda r: KINDS.index(r.kind))
    for record in ordered:
        body_model, table, upsert = APPLY[record.kind]
        try:
            body = body_model.model_validate(record.values)
        except ValidationError as exc:
            report.refused.append((record.label, _first_error(exc)))
            continue
        # populate_existing: an object imported twice is compared with what the first wrote.
        existing = await session.get(table, record.object_id, populate_existing=True)
        if existing is not None and _same(existing, body):
            report.unchanged.append(record.label)
            continue
        try:
            async with session.begin_nested():
                created = await upsert(session, record.object_id, body)
        except Problem as problem:
            report.refused.append((record.label, problem.detail))
            continue
        (report.created if created else report.changed).append(record.label)
    return report


async def import_catalog(session: AsyncSession, document: dict[str, Any]) -> ImportReport:
    """Import a JSON catalog document (see ``intake.adapters.catalog_files``)."""
    return await import_records(session, records_from_document(document))


async def import_catalog_files(
    runtime: ServiceRuntime, paths: Sequence[Path], *, dry_run: bool = False
) -> ImportReport:
    """Import JSON and CSV files (or folders of them) together, in one transaction.

    Raises ``UnreadableCatalog`` before writing anything if a file cannot be read.
    """
    read = CatalogRecords()
    for path in paths:
        read.extend(await asyncio.to_thread(read_catalog_path, path))
    async with runtime.unit_of_work() as uow:
        report = await import_records(uow.session, read)
        report.dry_run = dry_run
        if not dry_run:
            await uow.commit()
    return report
