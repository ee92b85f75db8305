"""Uploads no declaration took are removed after a day; the others stay."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from intake.adapters.folder_storage import FolderStorage
from intake.adapters.tables import Attachment
from intake.bootstrap import attachment_cleanup
from intake.entrypoints.periodic import PeriodicWorker
from intake.handlers.attachment_cleanup import purge_unlinked_attachments
from intake.settings import IntakeSettings
from ticketing_devkit.service_testing import ServiceUnderTest as Intake

from .conftest import RunCommand
from .samples import PNG, TEXT
from .test_declarations_api import declaration, key, post
from .uploads import upload_file

DAY = timedelta(hours=24)


def settings_of(intake: Intake) -> IntakeSettings:
    settings = intake.runtime.settings
    assert isinstance(settings, IntakeSettings)
    return settings


async def exists(intake: Intake, attachment_id: str) -> bool:
    async with intake.runtime.session_factory() as session:
        row = await session.get(Attachment, attachment_id)
    on_disk = FolderStorage(settings_of(intake).attachments_dir).path_of(attachment_id).exists()
    assert on_disk == (row is not None), "a row and its file live and die together"
    return row is not None


async def test_only_old_unlinked_uploads_are_removed(intake: Intake) -> None:
    abandoned = await upload_file(intake, PNG)
    kept = await upload_file(intake, TEXT)
    linked = await upload_file(intake, TEXT)
    assert (
        await post(intake, declaration(attachment_ids=[linked["id"]]), key())
    ).status_code == 202
    storage = FolderStorage(settings_of(intake).attachments_dir)
    now = datetime.now(UTC)
    # An hour short of a day: nothing goes.
    await purge_unlinked_attachments(
        intake.runtime.session_factory, storage, now=now + DAY - timedelta(hours=1), older_than=DAY
    )
    assert await exists(intake, abandoned["id"])
    # "kept" is made younger: uploaded a few hours before the pass.
    async with intake.runtime.session_factory.begin() as session:
        await session.execute(
            update(Attachment).where(Attachment.id == kept["id"]).values(created_at=now + DAY)
        )
    removed = await purge_unlinked_attachments(
        intake.runtime.session_factory,
        storage,
        now=now + DAY + timedelta(minutes=1),
        older_than=DAY,
    )
    assert removed >= 1
    assert not await exists(intake, abandoned["id"])
    assert await exists(intake, kept["id"])
    assert await exists(intake, linked["id"])


async def test_uploads_cut_off_by_a_crash_are_removed_too(intake: Intake) -> None:
    storage = FolderStorage(settings_of(intake).attachments_dir)
    pending = await storage.create("crashed-upload")
    await pending.write(b"half a file")
    [leftover] = list((settings_of(intake).attachments_dir / "pending").iterdir())
    assert await storage.purge_incomplete(datetime.now(UTC) - DAY) == 0
    os.utime(leftover, (0, 0))
    assert await storage.purge_incomplete(datetime.now(UTC) - DAY) == 1
    assert await storage.pending_count() == 0


async def test_the_worker_runs_the_pass_until_stopped() -> None:
    ran = asyncio.Event()
    rounds = 0

    async def work() -> None:
        nonlocal rounds
        rounds += 1
        if rounds == 1:
            raise RuntimeError("a failing round does not stop the worker")
        ran.set()

    worker = PeriodicWorker(name="test", interval_seconds=0.01, work=work)
    worker.start()
    await asyncio.wait_for(ran.wait(), timeout=10)
    await worker.stop(timeout=5)
    stopped_at = rounds
    await asyncio.sleep(0)
    assert rounds == stopped_at >= 2


async def test_the_command_runs_one_pass(
    intake: Intake, run_command: RunCommand, capsys: pytest.CaptureFixture[str]
) -> None:
    abandoned = await upload_file(intake, PNG)
    async with intake.runtime.session_factory.begin() as session:
        await session.execute(
            update(Attachment)
            .where(Attachment.id == abandoned["id"])
            .values(created_at=datetime.now(UTC) - DAY - timedelta(minutes=1))
        )
    await run_command("purge-attachments")
    assert "removed 1 attachment(s)" in capsys.readouterr().out
    settings = settings_of(intake)
    async with intake.runtime.session_factory() as session:
        found = await session.execute(select(Attachment).where(Attachment.id == abandoned["id"]))
        assert found.first() is None
    assert not Path(FolderStorage(settings.attachments_dir).path_of(abandoned["id"])).exists()


async def test_the_service_worker_purges_with_the_settings(intake: Intake) -> None:
    abandoned = await upload_file(intake, PNG)
    async with intake.runtime.session_factory.begin() as session:
        await session.execute(
            update(Attachment)
            .where(Attachment.id == abandoned["id"])
            .values(created_at=datetime.now(UTC) - DAY - timedelta(minutes=1))
        )
    storage = FolderStorage(settings_of(intake).attachments_dir)
    removed = await attachment_cleanup(intake.runtime, storage).run_once()
    assert removed == 1
    assert not await exists(intake, abandoned["id"])
