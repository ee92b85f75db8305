"""The migrations build exactly the tables the code describes."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from notification.adapters.tables import DELIVERIES_CHANNEL, Base
from notification.bootstrap import MIGRATIONS
from ticketing_common.db.engine import SessionFactory, create_engine, create_session_factory
from ticketing_common.db.migrations import alembic_config
from ticketing_devkit.mailcatcher import MailCatcher
from ticketing_devkit.pytest_plugin import MakeDatabase

from .factories import declared
from .support import declare
from .test_sending import sending

OWN_TABLES = frozenset(Base.metadata.tables)


def _ours(name: str | None, type_: str, _parent: Any) -> bool:
    # The messaging tables are the shared library's, checked by its own tests.
    return type_ != "table" or name in OWN_TABLES


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"include_name": _ours})
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrated_schema_matches_the_tables(session_factory: SessionFactory) -> None:
    async with session_factory() as session:
        connection = await session.connection()
        differences = await connection.run_sync(_differences)
    assert differences == []


async def test_inserting_a_delivery_notifies_the_sender(session_factory: SessionFactory) -> None:
    async with session_factory() as session:
        trigger = await session.scalar(
            text("SELECT prosrc FROM pg_proc WHERE proname = 'deliveries_notify'")
        )
    assert trigger is not None
    assert f"pg_notify('{DELIVERIES_CHANNEL}'" in trigger


async def test_deliveries_from_before_stored_identities_survive_the_upgrade(
    make_database: MakeDatabase, mail_catcher: MailCatcher
) -> None:
    """A database at 0001 with a pending delivery: after the upgrade it is still sent,
    with the Message-ID it would have had then; and the upgrade can be undone."""
    url = await make_database("notification_upgrade")
    config = alembic_config(MIGRATIONS, url)
    await asyncio.to_thread(command.upgrade, config, "0001")
    engine = create_engine(url, pool_size=1)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO deliveries (event_id, declaration_id, org_id, kind, "
                    "recipient_email, language, subject, body_text, body_html, status) "
                    "VALUES ('e-1', 'd-1', 'ORG-1', 'acknowledgement', 'old@example.com', "
                    "'fr', 'Old', 'text', '<p>html</p>', 'pending')"
                )
            )
        await asyncio.to_thread(command.upgrade, config, "head")
        sessions = create_session_factory(engine)
        assert await sending(sessions, mail_catcher.url).send_due() == 1
        [mail] = mail_catcher.messages
        assert mail.message["Message-ID"] == "<delivery-1@ticketing.invalid>"
        async with engine.connect() as connection:
            row = (
                await connection.execute(
                    text("SELECT status, attempts_before_resend, resends FROM deliveries")
                )
            ).one()
        assert tuple(row) == ("sent", 0, 0)
        await asyncio.to_thread(command.downgrade, config, "0001")
        async with engine.connect() as connection:
            columns = await connection.scalar(
                text(
                    "SELECT count(*) FROM information_schema.columns "
                    "WHERE table_name = 'deliveries' AND column_name = 'message_id'"
                )
            )
        assert columns == 0
    finally:
        await engine.dispose()


async def test_a_claim_or_an_outcome_does_not_copy_the_bodies(
    session_factory: SessionFactory,
) -> None:
    # The rendered bodies are out of line (the TOAST table holds them): the row a claim
    # or an outcome rewrites carries their pointers, not the kilobytes of each email.
    await declare(session_factory, declared())
    async with session_factory() as session:
        out_of_line = await session.scalar(
            text(
                "SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE relname = 'deliveries'"
            )
        )
        options = await session.scalar(
            text("SELECT reloptions FROM pg_class WHERE relname = 'deliveries'")
        )
    assert "toast_tuple_target=128" in options
    assert out_of_line > 0
