"""Import a whole catalog, as the provider's CRM exports it, in one transaction.

Objects are applied in dependency order (organizations, contracts, elements, sites,
contacts). Each object is created, changed, left unchanged, or refused with the
reason; a refused object is rolled back alone (a savepoint) and the rest commits.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from intake.adapters.tables import Base, Contact, Contract, Element, Organization, Site
from intake.domain.catalog import ContactBody, ContractBody, ElementBody, OrganizationBody, SiteBody
from intake.handlers import catalog
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.web.problems import Problem

Upsert = Callable[[AsyncSession, str, Any], Awaitable[bool]]

KINDS: tuple[tuple[str, type[BaseModel], type[Base], Upsert], ...] = (
    ("organizations", OrganizationBody, Organization, catalog.put_organization),
    ("contracts", ContractBody, Contract, catalog.put_contract),
    ("elements", ElementBody, Element, catalog.put_element),
    ("sites", SiteBody, Site, catalog.put_site),
    ("contacts", ContactBody, Contact, catalog.put_contact),
)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            f"created {len(self.created)}, changed {len(self.changed)}, "
            f"unchanged {len(self.unchanged)}, refused {len(self.refused)}"
        ]
        lines.extend(f"  refused {what}: {why}" for what, why in self.refused)
        return "\n".join(lines)


def _same(existing: Base, body: BaseModel) -> bool:
    values = body.model_dump(mode="json")
    return all(getattr(existing, name) == value for name, value in values.items())


async def import_catalog(session: AsyncSession, document: dict[str, Any]) -> ImportReport:
    report = ImportReport()
    unknown = set(document) - {kind for kind, *_ in KINDS}
    for kind in sorted(unknown):
        report.refused.append((kind, "unknown section"))
    for kind, body_model, table, upsert in KINDS:
        items = document.get(kind, [])
        if not isinstance(items, list):
            report.refused.append((kind, "must be a list"))
            continue
        for position, item in enumerate(items):
            label = f"{kind}[{position}]"
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                report.refused.append((label, "each object needs a string id"))
                continue
            object_id = item["id"]
            label = f"{kind} {object_id}"
            try:
                body = body_model.model_validate({k: v for k, v in item.items() if k != "id"})
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(part) for part in first["loc"])
                report.refused.append((label, f"{where}: {first['msg']}"))
                continue
            existing = await session.get(table, object_id)
            if existing is not None and _same(existing, body):
                report.unchanged.append(label)
                continue
            try:
                async with session.begin_nested():
                    created = await upsert(session, object_id, body)
            except Problem as problem:
                report.refused.append((label, problem.detail))
                continue
            (report.created if created else report.changed).append(label)
    return report


async def import_catalog_file(runtime: ServiceRuntime, path: Path) -> ImportReport:
    text = await asyncio.to_thread(path.read_text, encoding="utf-8")
    document = json.loads(text)
    if not isinstance(document, dict):
        raise ValueError("a catalog file holds one JSON object")
    async with runtime.unit_of_work() as uow:
        report = await import_catalog(uow.session, document)
        await uow.commit()
    return report
