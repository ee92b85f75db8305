"""What the hot paths cost the database: statements and transactions, counted.

Registration is two statements whatever the number of declarations in the consumer's
batch (one to number them, one to write tickets, history and events); reading a ticket
is one statement, outside any transaction (no BEGIN, no ROLLBACK). A change that adds
a statement per declaration, or a round trip per read, fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event, text

from ticket_store.adapters.ticket_registrations import NUMBER_UNREGISTERED
from ticket_store.runtime import TicketStoreRuntime
from ticketing_common.events import CloudEvent
from ticketing_devkit.service_testing import ServiceUnderTest, auth_as

from .support import apply_run, declared, new_ticket, replay_of


class Sent:
    """The statements the engine sent, and the transactions the driver began."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.transactions = 0


@contextmanager
def counting(runtime: TicketStoreRuntime, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sent]:
    sent = Sent()

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.statements.append(statement)

    # BEGIN and ROLLBACK are not statements SQLAlchemy sends: the driver's
    # transaction() is where each of them starts.
    begin = asyncpg.Connection.transaction

    def transaction(self: asyncpg.Connection, *args: Any, **kwargs: Any) -> Any:
        sent.transactions += 1
        return begin(self, *args, **kwargs)

    monkeypatch.setattr(asyncpg.Connection, "transaction", transaction)
    engine = runtime.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", seen)


@pytest.mark.parametrize("declarations", [1, 2, 40])
async def test_registering_a_run_of_declarations_is_two_statements(
    declarations: int, runtime: TicketStoreRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[CloudEvent[Any]] = [declared() for _ in range(declarations)]
    with counting(runtime, monkeypatch) as sent:
        await apply_run(runtime, events)
    assert (len(sent.statements), sent.transactions) == (2, 1), sent.statements


async def test_a_run_of_replays_is_one_statement(
    runtime: TicketStoreRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = [declared() for _ in range(3)]
    await apply_run(runtime, list(first))
    replays = [replay_of(event) for event in first]
    with counting(runtime, monkeypatch) as sent:
        await apply_run(runtime, replays)
    # Numbering finds them all registered: nothing is written.
    assert len(sent.statements) == 1, sent.statements


async def test_reading_a_ticket_is_one_statement_outside_any_transaction(
    store: ServiceUnderTest, runtime: TicketStoreRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    headers = auth_as("customer")
    with counting(runtime, monkeypatch) as sent:
        response = await store.client.get(f"/v1/tickets/{number}", headers=headers)
    assert response.status_code == 200, response.text
    assert (len(sent.statements), sent.transactions) == (1, 0), sent.statements


async def test_reading_a_history_is_two_statements_outside_any_transaction(
    store: ServiceUnderTest, runtime: TicketStoreRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = await new_ticket(runtime.session_factory, runtime.desk)
    headers = auth_as("customer")
    with counting(runtime, monkeypatch) as sent:
        response = await store.client.get(f"/v1/tickets/{number}/history", headers=headers)
    assert response.status_code == 200, response.text
    # Who may see the ticket, then the page.
    assert (len(sent.statements), sent.transactions) == (2, 0), sent.statements


async def test_the_registered_check_probes_the_index_even_in_a_plan_cached_early(
    runtime: TicketStoreRuntime,
) -> None:
    # The plan PostgreSQL caches for a prepared statement after a few runs (generic)
    # is made once, maybe while the table is small: it must not scan the table.
    dialect = runtime.engine.dialect
    numbering = str(NUMBER_UNREGISTERED.compile(dialect=dialect))
    async with runtime.engine.connect() as connection:
        await connection.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
        await connection.execute(text(f"PREPARE numbering AS {numbering}"))
        try:
            plan = (
                await connection.execute(text("EXPLAIN EXECUTE numbering(ARRAY['d-1', 'd-2'])"))
            ).scalars()
            shown = "\n".join(plan)
        finally:
            await connection.execute(text("DEALLOCATE numbering"))
    assert "Index Only Scan using tickets_declaration_id_key" in shown, shown
    assert "Seq Scan" not in shown, shown
