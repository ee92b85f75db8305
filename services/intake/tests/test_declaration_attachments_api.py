"""Naming uploaded files in a declaration: who may, how many, and only once."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy import select, text, update

from intake.adapters.tables import Attachment, IdempotencyKey
from ticketing_devkit.service_testing import ServiceUnderTest as Intake
from ticketing_devkit.service_testing import auth_as as auth

from .samples import PDF, PNG, TEXT
from .test_declarations_api import count_declarations, declaration, key, post
from .uploads import upload_file


def errors(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.text
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


async def test_named_files_are_linked_and_listed_with_the_declaration(intake: Intake) -> None:
    first = await upload_file(intake, PNG, filename="screen.png")
    second = await upload_file(intake, PDF, filename="report.pdf")
    ids = [second["id"], first["id"], second["id"]]
    accepted = await post(intake, declaration(attachment_ids=ids), key())
    assert accepted.status_code == 202
    view = (await intake.client.get(accepted.headers["location"], headers=auth("customer"))).json()
    # Named twice, attached once; in the order named.
    assert view["declaration"]["attachment_ids"] == [second["id"], first["id"]]
    assert view["attachments"] == [second, first]
    async with intake.runtime.session_factory() as session:
        rows = (await session.execute(select(Attachment).where(Attachment.id.in_(ids)))).scalars()
        assert {row.declaration_id for row in rows} == {view["declaration_id"]}


async def test_a_file_is_attached_to_one_declaration_only(intake: Intake) -> None:
    uploaded = await upload_file(intake, TEXT, filename="vpn.log")
    assert (
        await post(intake, declaration(attachment_ids=[uploaded["id"]]), key())
    ).status_code == 202
    again = await post(intake, declaration(attachment_ids=[uploaded["id"]]), key())
    assert errors(again) == [("attachment_ids[0]", "already_attached")]


async def test_two_declarations_racing_for_one_file_get_it_once(intake: Intake) -> None:
    uploaded = await upload_file(intake, TEXT, filename="vpn.log")
    body = declaration(attachment_ids=[uploaded["id"]])
    answers = await asyncio.gather(*(post(intake, body, key()) for _ in range(4)))
    assert sorted(a.status_code for a in answers) == [202, 422, 422, 422]
    for answer in answers:
        if answer.status_code == 422:
            assert errors(answer) == [("attachment_ids[0]", "already_attached")]


_WAITING_FOR_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
)


async def blocked_on_a_lock(intake: Intake) -> bool:
    async with intake.runtime.session_factory() as session:
        return bool(await session.scalar(_WAITING_FOR_A_LOCK))


async def test_a_file_taken_while_the_rules_judge_fails_the_declaration_whole(
    intake: Intake,
) -> None:
    uploaded = await upload_file(intake, TEXT, filename="vpn.log")
    holder = (await post(intake, declaration(), key())).json()["declaration_id"]
    reference, headers = f"lost-{uuid.uuid4().hex[:8]}", key()
    body = declaration(attachment_ids=[uploaded["id"]], customer_reference=reference)
    async with intake.runtime.session_factory.begin() as session:
        # Another declaration takes the file, not yet committed: the rules read it free,
        # and the declaration's write waits for this transaction.
        await session.execute(
            update(Attachment).where(Attachment.id == uploaded["id"]).values(declaration_id=holder)
        )
        answer = asyncio.create_task(post(intake, body, headers))
        for _ in range(500):
            if await blocked_on_a_lock(intake):
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("the declaration never waited for the file's lock")
    assert errors(await answer) == [("attachment_ids[0]", "already_attached")]
    # Nothing was written, and the key is still free.
    assert await count_declarations(intake, reference) == (0, 0)
    async with intake.runtime.session_factory() as session:
        assert (
            await session.get(IdempotencyKey, ("u-acme-claire", headers["Idempotency-Key"])) is None
        )


async def test_only_the_uploading_organization_attaches_a_file(intake: Intake) -> None:
    theirs = await upload_file(intake, PNG, user="other-customer")
    response = await post(intake, declaration(attachment_ids=[theirs["id"]]), key())
    assert errors(response) == [("attachment_ids[0]", "unknown")]
    unknown = await post(intake, declaration(attachment_ids=[str(uuid.uuid4())]), key())
    assert errors(unknown) == [("attachment_ids[0]", "unknown")]


async def test_more_than_ten_files_are_refused(intake: Intake) -> None:
    uploaded = [await upload_file(intake, TEXT) for _ in range(11)]
    ids = [item["id"] for item in uploaded]
    assert errors(await post(intake, declaration(attachment_ids=ids), key())) == [
        ("attachment_ids", "too_long")
    ]
    assert (await post(intake, declaration(attachment_ids=ids[:10]), key())).status_code == 202


async def test_a_refused_declaration_leaves_its_files_free(intake: Intake) -> None:
    uploaded = await upload_file(intake, TEXT)
    refused = await post(intake, declaration(attachment_ids=[uploaded["id"]], region="mars"), key())
    assert errors(refused) == [("region", "unknown")]
    accepted = await post(intake, declaration(attachment_ids=[uploaded["id"]]), key())
    assert accepted.status_code == 202


async def test_a_linked_file_is_seen_by_those_who_see_the_incident(intake: Intake) -> None:
    # The manager declares on the backup contract, outside the visitor's perimeter.
    uploaded = await upload_file(intake, PDF, user="manager")
    body = declaration(
        contract_id="CT-ACME-1003",
        element_id="EL-ACME-BKP-1",
        region=None,
        attachment_ids=[uploaded["id"]],
    )
    url = f"/v1/attachments/{uploaded['id']}"
    # Before it is linked, the whole organization may see it.
    assert (await intake.client.get(url, headers=auth("customer"))).status_code == 200
    assert (await post(intake, body, key(), user="manager")).status_code == 202
    assert (await intake.client.get(url, headers=auth("manager"))).status_code == 200
    assert (await intake.client.get(url, headers=auth("agent"))).status_code == 200
    hidden = await intake.client.get(url, headers=auth("customer"))
    assert hidden.status_code == 404
