"""Importing a CRM's export into the catalog: one transaction, and a report."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from intake.adapters.tables import Contract, Element, Organization
from intake.handlers.catalog_import import import_catalog_files
from ticketing_devkit.service_testing import ServiceUnderTest as Intake

from .conftest import RunCommand


def write_export(folder: Path, org: str, *, vpn_label: str = "VPN Lyon – Paris") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "crm-organizations.csv").write_text(f"id;name\n{org};Initech Société\n")
    (folder / "crm-contracts.csv").write_text(
        "id;org_id;number;label;status\n"
        f"{org}-C1;{org};FR-{org}/001;Cloud public;active\n"
        f"{org}-C2;{org};FR-{org}/002;Ancien contrat;closed\n"
    )
    (folder / "crm-elements.csv").write_text(
        "id;contract_id;label;service_type;regions\n"
        f"{org}-E1;{org}-C1;Flexible Engine prod;Flexible Engine;eu-west-0 eu-west-2\n"
        f"{org}-E2;{org}-C1;{vpn_label};Business VPN;\n"
        f"{org}-E3;{org}-C9;Orphan;Nothing;\n"
    )
    (folder / "crm-sites.csv").write_text(
        f"id;org_id;name;address;latitude;longitude\n{org}-S1;{org};Lyon;1 rue X, Lyon;45,76;4,85\n"
    )
    (folder / "crm-contacts.csv").write_text(
        "id;org_id;name;email;phone;language\n"
        f"{org}-P1;{org};Jeanne;jeanne@initech.example;;fr\n"
        f"{org}-P2;{org};Bob;not-an-address;;en\n"
    )
    return folder


async def test_a_folder_of_csv_files_is_imported_with_a_report(
    intake: Intake, tmp_path: Path
) -> None:
    org = f"ORG-{uuid.uuid4().hex[:6].upper()}"
    export = write_export(tmp_path / "export", org)
    report = await import_catalog_files(intake.runtime, [export])
    assert report.created == [
        f"organizations {org} (crm-organizations.csv line 2)",
        f"contracts {org}-C1 (crm-contracts.csv line 2)",
        f"elements {org}-E1 (crm-elements.csv line 2)",
        f"elements {org}-E2 (crm-elements.csv line 3)",
        f"sites {org}-S1 (crm-sites.csv line 2)",
        f"contacts {org}-P1 (crm-contacts.csv line 2)",
    ]
    assert [what for what, _ in report.refused] == [
        f"contracts {org}-C2 (crm-contracts.csv line 3)",
        f"elements {org}-E3 (crm-elements.csv line 4)",
        f"contacts {org}-P2 (crm-contacts.csv line 3)",
    ]
    reasons = [why for _, why in report.refused]
    assert reasons[0].startswith("status: Input should be")
    assert reasons[1] == "contract_id: unknown contract"
    assert reasons[2].startswith("email: value is not a valid email address")
    assert report.summary().splitlines()[-1] == "created 6, changed 0, unchanged 0, refused 3"
    async with intake.runtime.session_factory() as session:
        element = await session.get(Element, f"{org}-E1")
        assert element is not None
        assert element.regions == ["eu-west-0", "eu-west-2"]

    # The same export again changes nothing; an edited one changes what was edited.
    again = await import_catalog_files(intake.runtime, [export])
    assert (len(again.created), len(again.changed), len(again.unchanged)) == (0, 0, 6)
    write_export(export, org, vpn_label="VPN Lyon – Marseille")
    edited = await import_catalog_files(intake.runtime, [export])
    assert edited.changed == [f"elements {org}-E2 (crm-elements.csv line 3)"]


async def test_a_dry_run_writes_nothing(intake: Intake, tmp_path: Path) -> None:
    org = f"ORG-{uuid.uuid4().hex[:6].upper()}"
    report = await import_catalog_files(
        intake.runtime, [write_export(tmp_path / "export", org)], dry_run=True
    )
    assert len(report.created) == 6
    assert "dry run" in report.summary()
    async with intake.runtime.session_factory() as session:
        assert await session.get(Organization, org) is None
        assert await session.get(Contract, f"{org}-C1") is None


async def test_json_and_csv_files_are_one_import(intake: Intake, tmp_path: Path) -> None:
    org = f"ORG-{uuid.uuid4().hex[:6].upper()}"
    (tmp_path / "orgs.json").write_text(f'{{"organizations": [{{"id": "{org}", "name": "J"}}]}}')
    (tmp_path / "contracts.csv").write_text(
        f"id,org_id,number,label,status\n{org}-C,{org},N-{org},Label,active\n"
    )
    report = await import_catalog_files(
        intake.runtime, [tmp_path / "contracts.csv", tmp_path / "orgs.json"]
    )
    # Organizations first, whatever the order of the files.
    assert report.created == [f"organizations {org}", f"contracts {org}-C (contracts.csv line 2)"]


async def test_the_command_tells_by_its_status_how_it_went(
    tmp_path: Path, run_command: RunCommand, capsys: pytest.CaptureFixture[str]
) -> None:
    org = f"ORG-{uuid.uuid4().hex[:6].upper()}"
    export = write_export(tmp_path / "export", org)
    (tmp_path / "broken.json").write_text("{")

    with pytest.raises(SystemExit) as dry_run:
        await run_command("load-catalog", "--dry-run", str(export))
    assert dry_run.value.code == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "would be: created 6, changed 0, unchanged 0, refused 3 (dry run: nothing was written)"
    )
    with pytest.raises(SystemExit) as refused:
        await run_command("load-catalog", str(export))
    assert refused.value.code == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "created 6, changed 0, unchanged 0, refused 3"
    )
    with pytest.raises(SystemExit) as unreadable:
        await run_command("load-catalog", str(tmp_path / "broken.json"))
    assert unreadable.value.code == 2
    assert "nothing imported" in capsys.readouterr().out
