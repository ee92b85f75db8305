"""Uploading and downloading attachments through the API."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from intake.adapters.folder_storage import FolderStorage
from intake.adapters.tables import Attachment
from intake.settings import IntakeSettings
from ticketing_devkit.service_testing import ServiceUnderTest as Intake
from ticketing_devkit.service_testing import auth_as as auth

from .samples import EXE, PDF, PNG, TEXT
from .uploads import BOUNDARY, CONTENT_TYPE, multipart, part, upload, upload_file

MEGABYTE = 1024 * 1024


def storage(intake: Intake) -> FolderStorage:
    settings = intake.runtime.settings
    assert isinstance(settings, IntakeSettings)
    return FolderStorage(settings.attachments_dir)


async def attachment_count(intake: Intake) -> int:
    async with intake.runtime.session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(Attachment)) or 0)


async def nothing_was_kept(intake: Intake, before: int) -> None:
    """A refused upload leaves no row, no pending file and no stored object."""
    assert await attachment_count(intake) == before
    assert await storage(intake).pending_count() == 0
    async with intake.runtime.session_factory() as session:
        keys = set((await session.execute(select(Attachment.storage_key))).scalars())
    assert set(await storage(intake).keys()) == keys


def assert_problem(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    if field is not None:
        assert [error["field"] for error in problem["errors"]] == [field]
    return problem


async def test_an_upload_is_stored_typed_hashed_and_read_back(intake: Intake) -> None:
    response = await upload(intake, multipart(part(PNG, filename="écran VPN.png")))
    assert response.status_code == 201
    body = response.json()
    assert body == {
        "id": body["id"],
        "filename": "écran VPN.png",
        "size": len(PNG),
        "content_type": "image/png",
        "sha256": hashlib.sha256(PNG).hexdigest(),
    }
    assert response.headers["location"] == f"/v1/attachments/{body['id']}"
    # Stored under its id, whatever name was sent.
    stored = storage(intake).path_of(body["id"])
    assert stored.read_bytes() == PNG
    assert stored.name == body["id"]

    download = await intake.client.get(response.headers["location"], headers=auth("customer"))
    assert download.status_code == 200
    assert download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"_cran VPN.png\"; filename*=UTF-8''%C3%A9cran%20VPN.png"
    )
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["etag"] == f'"{body["sha256"]}"'


async def test_the_id_is_unguessable_and_the_name_is_made_safe(intake: Intake) -> None:
    first = await upload_file(intake, TEXT, filename="../../etc/cron.d/evil\u202etxt.sh")
    second = await upload_file(intake, TEXT, filename="../../etc/cron.d/evil\u202etxt.sh")
    assert first["id"] != second["id"]
    assert len(first["id"]) == 36  # a random UUID: 122 random bits
    assert first["filename"] == "eviltxt.sh.txt"
    assert first["content_type"] == "text/plain"


async def test_only_the_organization_and_operations_download(intake: Intake) -> None:
    uploaded = await upload_file(intake, PDF, filename="report.pdf")
    url = f"/v1/attachments/{uploaded['id']}"
    for user in ("customer", "manager", "agent"):
        assert (await intake.client.get(url, headers=auth(user))).status_code == 200, user
    assert_problem(await intake.client.get(url, headers=auth("other-customer")), 404)
    assert_problem(await intake.client.get("/v1/attachments/nope", headers=auth("agent")), 404)
    assert (await intake.client.get(url)).status_code == 401


async def test_an_id_made_of_a_slash_is_not_found_not_redirected(intake: Intake) -> None:
    # "/v1/attachments/%2F" once answered a 307 to "/v1/attachments/" (found by the fuzz test).
    for path in ("/v1/attachments/%2F", "/v1/attachments/"):
        assert_problem(await intake.client.get(path, headers=auth("customer")), 404)


async def test_operations_do_not_upload(intake: Intake) -> None:
    assert_problem(await upload(intake, multipart(part(PNG)), user="agent"), 403)
    anonymous = await intake.client.post(
        "/v1/attachments", content=multipart(part(PNG)), headers=CONTENT_TYPE
    )
    assert_problem(anonymous, 401)


async def test_a_file_over_the_limit_is_refused_while_it_streams(intake: Intake) -> None:
    before = await attachment_count(intake)
    sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal sent
        head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.png"'
        yield (head + "\r\n\r\n").encode() + PNG
        for _ in range(100 * 16):  # 100 MB, if nobody stops it
            sent += 64 * 1024
            yield bytes(64 * 1024)

    response = await upload(intake, endless())
    problem = assert_problem(response, 413)
    assert problem["max_bytes"] == 20 * MEGABYTE
    # Refused once the limit was crossed, not after the whole body was read.
    assert 20 * MEGABYTE <= sent <= 21 * MEGABYTE
    await nothing_was_kept(intake, before)


async def test_a_body_announced_too_large_is_refused_before_it_is_read(intake: Intake) -> None:
    read = False

    async def body() -> AsyncIterator[bytes]:
        nonlocal read
        read = True
        yield multipart(part(PNG))

    response = await upload(intake, body(), headers={"Content-Length": str(30 * MEGABYTE)})
    assert_problem(response, 413)
    assert not read


async def test_a_file_exactly_at_the_limit_is_accepted(
    intake: Intake, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = intake.runtime.settings
    assert isinstance(settings, IntakeSettings)
    limit = settings.attachments_max_bytes
    content = PNG + bytes(limit - len(PNG))
    accepted = await upload(intake, multipart(part(content)))
    assert accepted.status_code == 201
    assert accepted.json()["size"] == limit
    assert_problem(await upload(intake, multipart(part(content + b"\x00"))), 413)


@pytest.mark.parametrize(
    ("content", "declared"),
    [
        (EXE, "application/octet-stream"),
        (EXE, "image/png"),  # a lie about the type does not get it in
        (PNG, "text/html"),  # nor does declaring a refused type
        ("é".encode("latin-1") * 10, "text/plain"),
    ],
)
async def test_types_outside_the_allow_list_are_refused(
    intake: Intake, content: bytes, declared: str
) -> None:
    before = await attachment_count(intake)
    response = await upload(intake, multipart(part(content, content_type=declared)))
    problem = assert_problem(response, 415)
    assert "accepted types" in problem["detail"]
    await nothing_was_kept(intake, before)


async def test_a_body_that_is_not_multipart_is_refused(intake: Intake) -> None:
    response = await intake.client.post(
        "/v1/attachments",
        json={"file": "aGVsbG8="},
        headers=auth("customer"),
    )
    assert_problem(response, 415)


@pytest.mark.parametrize(
    ("body", "content_type", "status", "field"),
    [
        (multipart(part(PNG)), "multipart/form-data", 400, None),
        (multipart(part(PNG))[:-20], None, 400, None),
        (b"garbage without any boundary", None, 400, None),
        (multipart(part(b"")), None, 422, "file"),
        (multipart(), None, 422, "file"),
        (multipart(part(PNG), part(PNG)), None, 422, "file"),
        (multipart(part(b"hello", name="comment", filename=None), part(PNG)), None, 422, "comment"),
        (multipart(part(PNG, filename=None)), None, 422, "file"),
        (multipart(part(PNG, name='we"ird\x01')), None, 422, "file"),
    ],
)
async def test_malformed_uploads_are_refused_and_leave_nothing(
    intake: Intake, body: bytes, content_type: str | None, status: int, field: str | None
) -> None:
    before = await attachment_count(intake)
    headers = {"Content-Type": content_type} if content_type else None
    assert_problem(await upload(intake, body, headers=headers), status, field)
    await nothing_was_kept(intake, before)


async def test_files_are_streamed_to_a_folder_of_the_settings(
    intake: Intake, tmp_path: Path
) -> None:
    uploaded = await upload_file(intake, PDF, filename="report.pdf")
    settings = intake.runtime.settings
    assert isinstance(settings, IntakeSettings)
    assert storage(intake).path_of(uploaded["id"]).is_relative_to(settings.attachments_dir)
