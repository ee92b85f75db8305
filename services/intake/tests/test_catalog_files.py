"""Reading catalog files as a CRM exports them (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from intake.adapters.catalog_files import (
    UnreadableCatalog,
    kind_of_csv,
    read_catalog_path,
    records_from_csv,
    records_from_document,
)


def test_a_spreadsheet_export_is_read_whatever_its_habits() -> None:
    # Semicolons, a byte order mark, columns in another order and case, decimal commas.
    text = (
        "\ufeffLatitude;ID;name;address;org_id;longitude\r\n"
        "45,7606;SITE-1;Lyon Part-Dieu;129 rue Servient, 69003 Lyon;ORG-1;4,8590\r\n"
        ";;;;;\r\n"
    )
    read = records_from_csv(text, "sites", "sites.csv")
    assert read.refused == []
    [record] = read.records
    assert record.object_id == "SITE-1"
    assert record.values == {
        "latitude": 45.7606,
        "name": "Lyon Part-Dieu",
        "address": "129 rue Servient, 69003 Lyon",
        "org_id": "ORG-1",
        "longitude": 4.859,
    }
    assert record.label == "sites SITE-1 (sites.csv line 2)"


def test_regions_are_a_list_and_an_empty_cell_is_none_of_them() -> None:
    text = (
        "id,contract_id,label,service_type,regions\n"
        'EL-1,CT-1,Flexible Engine,Flexible Engine,"eu-west-0, eu-west-2"\n'
        "EL-2,CT-1,VPN,Business VPN,\n"
        "EL-3,CT-1,Backup,Managed Backup,eu-west-0|eu-north-0\n"
    )
    read = records_from_csv(text, "elements", "elements.csv")
    assert [r.values["regions"] for r in read.records] == [
        ["eu-west-0", "eu-west-2"],
        [],
        ["eu-west-0", "eu-north-0"],
    ]


def test_an_empty_optional_cell_is_an_absent_value() -> None:
    text = "id\torg_id\tname\temail\tphone\tlanguage\nC-1\tORG-1\tJeanne\tj@acme.example\t\tfr\n"
    [record] = records_from_csv(text, "contacts", "contacts.tsv.csv").records
    assert "phone" not in record.values


def test_a_file_with_unknown_or_missing_columns_is_refused_whole() -> None:
    read = records_from_csv("id,name,colour\nO-1,Acme,red\n", "organizations", "o.csv")
    assert read.records == []
    assert read.refused == [
        ("o.csv", "unknown columns ['colour'] (expected ['id', 'name'])"),
    ]
    read = records_from_csv("name\nAcme\n", "organizations", "o.csv")
    assert read.refused == [("o.csv", "no id column")]


def test_bad_rows_are_refused_alone_with_their_line() -> None:
    text = "id,name\nO-1,Acme\nO-2,Too,many\n,No id\nO-3,Globex\n"
    read = records_from_csv(text, "organizations", "organizations.csv")
    assert [r.object_id for r in read.records] == ["O-1", "O-3"]
    assert read.refused == [
        ("organizations (organizations.csv line 3)", "3 cells, the header has 2"),
        ("organizations (organizations.csv line 4)", "each object needs an id"),
    ]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("contracts.csv", "contracts"),
        ("crm-2026-01-contracts.csv", "contracts"),
        ("Acme_Contacts.CSV", "contacts"),
        ("export.elements.csv", "elements"),
    ],
)
def test_the_kind_ends_the_file_name(name: str, kind: str) -> None:
    assert kind_of_csv(Path(name)) == kind


def test_a_csv_named_after_no_kind_is_unreadable() -> None:
    with pytest.raises(UnreadableCatalog, match="must end with the kind"):
        kind_of_csv(Path("export.csv"))


def test_json_sections_and_objects_are_checked() -> None:
    read = records_from_document(
        {"organizations": [{"id": "O-1", "name": "A"}, {"name": "no id"}], "planets": []}
    )
    assert [r.label for r in read.records] == ["organizations O-1"]
    assert read.refused == [
        ("planets", "unknown section"),
        ("organizations[1]", "each object needs a string id"),
    ]


def test_unreadable_files_say_why(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{nope")
    (tmp_path / "latin.csv").write_bytes("id,name\nO-1,Société\n".encode("latin-1"))
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(UnreadableCatalog, match="not valid JSON"):
        read_catalog_path(tmp_path / "bad.json")
    with pytest.raises(UnreadableCatalog, match="not UTF-8"):
        read_catalog_path(tmp_path / "latin.csv")
    with pytest.raises(UnreadableCatalog, match=r"\.json or \.csv"):
        read_catalog_path(tmp_path / "notes.txt")
    with pytest.raises(UnreadableCatalog, match="no such file"):
        read_catalog_path(tmp_path / "missing.json")
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    with pytest.raises(UnreadableCatalog, match=r"no \.json or \.csv"):
        read_catalog_path(empty)
