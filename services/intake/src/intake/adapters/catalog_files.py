"""Catalog files as the provider's CRM exports them, read into records to import.

Two formats:

- JSON: one object with a section per kind (``organizations``, ``contracts``,
  ``elements``, ``sites``, ``contacts``), each a list of objects with their ``id``
  (``deploy/demo/catalog.json``).
- CSV: one file per kind, the kind ending the file's name (``contracts.csv``,
  ``crm-2026-01-contracts.csv``), a header row naming the columns: ``id`` and the
  fields of that kind (any order, case ignored). Cells are trimmed; an empty cell is an
  absent value (``phone``) or an empty list (``regions``). ``regions`` holds codes
  separated by spaces, commas, semicolons or ``|``. The delimiter is ``,``, ``;`` or a
  tab, found from the header; ``latitude`` and ``longitude`` take a decimal point or a
  decimal comma (spreadsheets in French write ``45,76``). UTF-8, with or without the
  byte order mark spreadsheets add.

Reading never touches the database: what cannot be read is refused here, with where it
was; the rest is judged by the import.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intake.domain.catalog import ContactBody, ContractBody, ElementBody, OrganizationBody, SiteBody

# In dependency order: an element needs its contract, a contract its organization.
KIND_FIELDS: dict[str, frozenset[str]] = {
    "organizations": frozenset(OrganizationBody.model_fields),
    "contracts": frozenset(ContractBody.model_fields),
    "elements": frozenset(ElementBody.model_fields),
    "sites": frozenset(SiteBody.model_fields),
    "contacts": frozenset(ContactBody.model_fields),
}
KINDS = tuple(KIND_FIELDS)

_LIST_SEPARATORS = re.compile(r"[\s,;|]+")
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class CatalogRecord:
    kind: str
    object_id: str
    values: dict[str, Any]
    # Where it came from, for the report: "contracts CT-1" or "... (contracts.csv line 3)".
    label: str


@dataclass
class CatalogRecords:
    records: list[CatalogRecord] = field(default_factory=list)
    # (what, why) for what could not even be read.
    refused: list[tuple[str, str]] = field(default_factory=list)

    def extend(self, other: CatalogRecords) -> None:
        self.records.extend(other.records)
        self.refused.extend(other.refused)


class UnreadableCatalog(Exception):
    """A file that cannot be read at all: nothing is imported."""


def records_from_document(document: Any) -> CatalogRecords:
    """The records of a JSON catalog document."""
    read = CatalogRecords()
    if not isinstance(document, dict):
        raise UnreadableCatalog("a JSON catalog holds one object with a list per kind")
    for kind in sorted(set(document) - set(KINDS)):
        read.refused.append((str(kind), "unknown section"))
    for kind in KINDS:
        items = document.get(kind, [])
        if not isinstance(items, list):
            read.refused.append((kind, "must be a list"))
            continue
        for position, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                read.refused.append((f"{kind}[{position}]", "each object needs a string id"))
                continue
            values = {name: value for name, value in item.items() if name != "id"}
            read.records.append(CatalogRecord(kind, item["id"], values, f"{kind} {item['id']}"))
    return read


def kind_of_csv(path: Path) -> str:
    stem = path.stem.lower()
    for kind in KINDS:
        if stem == kind or stem.endswith(("-" + kind, "_" + kind, " " + kind, "." + kind)):
            return kind
    raise UnreadableCatalog(
        f"{path.name}: the file name must end with the kind it holds ({', '.join(KINDS)})"
    )


def _delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def _cell(kind: str, column: str, text: str) -> Any:
    if column == "regions" and kind == "elements":
        return [code for code in _LIST_SEPARATORS.split(text) if code]
    if column in {"latitude", "longitude"}:
        try:
            return float(text.replace(",", ".") if _DECIMAL_COMMA.match(text) else text)
        except ValueError:
            return text  # refused by the import, naming the column
    return text


def records_from_csv(text: str, kind: str, source: str) -> CatalogRecords:
    """The records of one kind's CSV export (``source`` names the file in the report)."""
    read = CatalogRecords()
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = [name.strip().lower() for name in next(rows, [])]
        allowed = KIND_FIELDS[kind] | {"id"}
        problems = []
        if "id" not in header:
            problems.append("no id column")
        unknown = [name for name in header if name not in allowed]
        if unknown:
            problems.append(f"unknown columns {unknown} (expected {sorted(allowed)})")
        if len(set(header)) != len(header):
            problems.append("a column appears twice")
        if problems:
            read.refused.append((source, "; ".join(problems)))
            return read
        for row in rows:
            line = rows.line_num
            cells = [cell.strip() for cell in row]
            if not any(cells):
                continue
            where = f"{source} line {line}"
            if len(cells) != len(header):
                read.refused.append(
                    (f"{kind} ({where})", f"{len(cells)} cells, the header has {len(header)}")
                )
                continue
            values = dict(zip(header, cells, strict=True))
            object_id = values.pop("id")
            if not object_id:
                read.refused.append((f"{kind} ({where})", "each object needs an id"))
                continue
            fields = {
                column: _cell(kind, column, text)
                for column, text in values.items()
                if text or column == "regions"
            }
            read.records.append(
                CatalogRecord(kind, object_id, fields, f"{kind} {object_id} ({where})")
            )
    except csv.Error as exc:
        read.refused.append((f"{source} line {rows.line_num}", f"not valid CSV: {exc}"))
    return read


def read_catalog_path(path: Path) -> CatalogRecords:
    """Read a JSON file, a CSV file, or a folder of them (in name order)."""
    if path.is_dir():
        read = CatalogRecords()
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in {".json", ".csv"})
        if not files:
            raise UnreadableCatalog(f"{path}: no .json or .csv file in this folder")
        for file in files:
            read.extend(read_catalog_path(file))
        return read
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise UnreadableCatalog(f"{path}: no such file") from exc
    except UnicodeDecodeError as exc:
        raise UnreadableCatalog(f"{path}: not UTF-8 text; export it as UTF-8") from exc
    suffix = path.suffix.lower()
    if suffix == ".json":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UnreadableCatalog(f"{path}: not valid JSON: {exc}") from exc
        return records_from_document(document)
    if suffix == ".csv":
        return records_from_csv(text, kind_of_csv(path), path.name)
    raise UnreadableCatalog(f"{path}: a catalog is a .json or .csv file, or a folder of them")
