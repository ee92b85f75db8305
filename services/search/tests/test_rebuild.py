"""``search rebuild``: the read model rebuilt from the journal into shadow tables and
swapped in, while the service keeps answering and consuming."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import delete, func, insert, select, text, update

from search.adapters.tables import Incident, Site
from search.domain.projection import record_from_declaration
from search.handlers.rebuild import (
    REBUILD_LOCK,
    RebuildBusy,
    RebuildWouldLoseRows,
    rebuild_read_model,
)
from ticketing_common.reference import TicketStatus

from .conftest import Search
from .factories import ticket_updated
from .live import open_stream
from .tenants import Tenant
from .test_migrations import _differences


async def listed(search: Search, headers: dict[str, str]) -> list[dict[str, Any]]:
    response = await search.client.get("/v1/incidents", params={"limit": 200}, headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_rebuild_restores_the_list_while_the_service_answers(
    search: Search, search_url: str
) -> None:
    tenant = Tenant()
    events = [tenant.declaration(site_id="SITE-LYON") for _ in range(20)]
    await search.apply(*events)
    await search.apply(*(ticket_updated(event.data, version=1) for event in events[:10]))
    before = await listed(search, tenant.manager())
    # A projection gone wrong: a row changed behind the consumer's back, one lost.
    factory = search.runtime.session_factory
    async with factory.begin() as session:
        await session.execute(
            update(Incident)
            .where(Incident.declaration_id == events[0].data.declaration_id)
            .values(status="closed")
        )
        await session.execute(
            delete(Incident).where(Incident.declaration_id == events[1].data.declaration_id)
        )

    late = [tenant.declaration() for _ in range(5)]
    answers: list[int] = []
    rebuilt = asyncio.Event()

    async def customers_reading() -> None:
        while not rebuilt.is_set():
            response = await search.client.get("/v1/incidents", headers=tenant.manager())
            answers.append(response.status_code)
            await asyncio.sleep(0.01)

    async def events_arriving() -> None:
        for event in late:
            await search.apply(event)
            await asyncio.sleep(0.05)

    async def rebuild() -> Any:
        try:
            return await rebuild_read_model(search.runtime.engine, batch_size=7)
        finally:
            rebuilt.set()

    async with open_stream(search_url, "/v1/incidents/stream", tenant.manager()) as stream:
        assert (await stream.next_event()).event == "ready"
        report, _, _ = await asyncio.gather(rebuild(), customers_reading(), events_arriving())
        reset = await stream.until_event("reset")
        assert reset.json() == {"reason": "the list was rebuilt"}

    assert report.swapped
    assert report.differing >= 2
    assert report.unreadable == 0
    assert answers
    assert set(answers) == {200}
    # The late events landed in the new table, whether before or after the swap.
    await search.apply(ticket_updated(events[2].data, version=2, status=TicketStatus.RESOLVED))
    after = await listed(search, tenant.manager())
    by_id = {item["declaration_id"]: item for item in after}
    assert set(by_id) == {item["declaration_id"] for item in before} | {
        event.data.declaration_id for event in late
    }
    for item in before:
        if item["declaration_id"] != events[2].data.declaration_id:
            assert by_id[item["declaration_id"]] == item
    assert by_id[events[2].data.declaration_id]["status"] == "resolved"

    async with factory() as session:
        assert await session.get(Site, "SITE-LYON") is not None
        connection = await session.connection()
        # The same tables, indexes and names as the migrations make.
        assert await connection.run_sync(_differences) == []
        names = set(
            (
                await session.execute(
                    text("SELECT indexname FROM pg_indexes WHERE tablename = 'incidents'")
                )
            ).scalars()
        )
        assert {"incidents_pkey", "ix_incidents_search_document", "ix_incidents_updated"} <= names
        assert not any(name.endswith("__rebuild") for name in names)
        statistics = await session.scalar(
            text(
                "SELECT attstattarget FROM pg_attribute "
                "WHERE attrelid = 'incidents'::regclass AND attname = 'search_document'"
            )
        )
        assert statistics == 1000
        assert (
            await session.scalar(
                text("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'incidents\\_\\_%'")
            )
            == 0
        )
    # The search document was rebuilt too.
    response = await search.client.get(
        "/v1/incidents", params={"q": "reaches"}, headers=tenant.manager()
    )
    assert len(response.json()["items"]) == 25


async def test_a_dry_run_reports_without_swapping(search: Search) -> None:
    tenant = Tenant()
    event = tenant.declaration()
    await search.apply(event)
    factory = search.runtime.session_factory
    async with factory.begin() as session:
        await session.execute(
            update(Incident)
            .where(Incident.declaration_id == event.data.declaration_id)
            .values(customer_reference="Corrupted")
        )
    report = await rebuild_read_model(search.runtime.engine, dry_run=True)
    assert not report.swapped
    assert report.differing == 1
    async with factory() as session:
        row = await session.get(Incident, event.data.declaration_id)
        assert row is not None
        assert row.customer_reference == "Corrupted"
        count = await session.scalar(
            text("SELECT count(*) FROM pg_tables WHERE tablename = 'incidents__rebuild'")
        )
        assert count == 0
    # Put it right for the other tests.
    await rebuild_read_model(search.runtime.engine)


async def test_a_rebuild_refuses_to_lose_incidents_the_journal_does_not_know(
    search: Search,
) -> None:
    tenant = Tenant()
    known = tenant.declaration()
    await search.apply(known)
    # A row written around the journal (a bulk load, say).
    stranger = record_from_declaration(tenant.declaration().data)
    factory = search.runtime.session_factory
    async with factory.begin() as session:
        await session.execute(insert(Incident).values(**stranger.as_row()))

    with pytest.raises(RebuildWouldLoseRows):
        await rebuild_read_model(search.runtime.engine)
    async with factory() as session:
        assert await session.get(Incident, stranger.declaration_id) is not None
    report = await rebuild_read_model(search.runtime.engine, dry_run=True)
    assert report.missing == 1

    report = await rebuild_read_model(search.runtime.engine, allow_losing_rows=True)
    assert report.swapped
    async with factory() as session:
        assert await session.get(Incident, stranger.declaration_id) is None
        assert await session.get(Incident, known.data.declaration_id) is not None


async def test_only_one_rebuild_runs_at_a_time(search: Search) -> None:
    async with search.runtime.engine.connect() as connection:
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": REBUILD_LOCK})
        try:
            with pytest.raises(RebuildBusy):
                await rebuild_read_model(search.runtime.engine)
        finally:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": REBUILD_LOCK})


async def test_the_command_rebuilds_and_reports(search: Search) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": search.runtime.settings.database_url,
        "AMQP_URL": search.runtime.settings.amqp_url,
    }
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "search", "rebuild", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "built (dry run, not swapped)" in result.stdout
    assert "0 incidents differed from the live list (0 of them not in the journal)" in (
        result.stdout
    )
    async with search.runtime.session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Incident))
