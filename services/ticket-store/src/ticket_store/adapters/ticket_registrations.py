"""Writing new tickets: two statements for any number of declarations, built once.

The first numbers the declarations that have no ticket yet (``nextval`` of the ticket
number sequence, in the order given). The second writes, for every one of them, the
ticket, its first history entry and the event announcing it in the outbox: one
statement, its inserts chained by data-modifying CTEs. The ticket's insert skips a
declaration that a concurrent transaction registered meanwhile (``ON CONFLICT
(declaration_id) DO NOTHING``), and the history entry and the event follow only the
tickets it wrote: one declaration, one ticket, one announcement.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pydantic import TypeAdapter
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from ticket_store.adapters.column_arrays import column_lists, unnest_columns
from ticket_store.adapters.tables import HISTORY, TICKET_NUMBER_SEQUENCE, TICKETS
from ticket_store.adapters.work_rows import sla_columns
from ticket_store.domain.sla import SlaClock
from ticketing_common.db.messaging_tables import outbox
from ticketing_common.events import CloudEvent, TicketUpdatedV1
from ticketing_common.events.parts import Recipient
from ticketing_common.events.ticket_updated import TicketChangeV1, TicketSnapshotV1

TICKET_COLUMNS: Final = tuple(column.name for column in TICKETS.columns)

NUMBER_UNREGISTERED = text(
    "SELECT given.declaration_id, "  # noqa: S608 - our own names, no input
    f"nextval('{TICKET_NUMBER_SEQUENCE.name}') AS sequence_value "
    "FROM unnest(CAST(:declaration_ids AS varchar[])) WITH ORDINALITY "
    "AS given(declaration_id, position) "
    f"WHERE NOT EXISTS (SELECT FROM {TICKETS.name} AS ticket "
    "WHERE ticket.declaration_id = given.declaration_id "
    # OFFSET 0 keeps this a probe of the unique index per declaration. Pulled up into
    # an anti-join, the plan PostgreSQL caches for the prepared statement may hash the
    # whole table on every call (it did, cached while the table was small: the
    # registration's cost then grew with the number of tickets).
    "OFFSET 0) "
    "ORDER BY given.position"
)

_REGISTER = text(
    f"WITH registered AS (INSERT INTO {TICKETS.name} ({', '.join(TICKET_COLUMNS)}) "  # noqa: S608
    f"SELECT {', '.join(TICKET_COLUMNS)} FROM {unnest_columns(TICKETS, 'given')} "
    "ON CONFLICT (declaration_id) DO NOTHING RETURNING ticket_number, version), "
    f"history AS (INSERT INTO {HISTORY.name} "
    "(ticket_number, version, at, kind, public, actor_kind, to_status) "
    "SELECT ticket_number, version, CAST(:history_at AS timestamptz), "
    "CAST(:history_kind AS varchar), CAST(:history_public AS boolean), "
    "CAST(:history_actor_kind AS varchar), "
    "CAST(:history_to_status AS varchar) FROM registered) "
    f"INSERT INTO {outbox.name} (event_id, event_type, routing_key, correlation_id, body) "
    "SELECT event.event_id, CAST(:event_type AS varchar), CAST(:routing_key AS varchar), "
    "event.correlation_id, event.body "
    "FROM unnest(CAST(:event_ticket_numbers AS varchar[]), CAST(:event_ids AS varchar[]), "
    "CAST(:event_correlation_ids AS varchar[]), CAST(:event_bodies AS bytea[])) "
    "WITH ORDINALITY AS event(ticket_number, event_id, correlation_id, body, position) "
    "JOIN registered USING (ticket_number) "
    # Published in the order the declarations came.
    "ORDER BY event.position"
)

_RECIPIENTS: Final = TypeAdapter(list[Recipient])
_JSON_NULL: Final = "null"


async def number_unregistered(
    session: AsyncSession, declaration_ids: Sequence[str]
) -> dict[str, int]:
    """A new ticket number (its sequence value) for each of ``declaration_ids`` that
    has no ticket yet, ascending in the order given."""
    if not declaration_ids:
        return {}
    rows = (
        await session.execute(NUMBER_UNREGISTERED, {"declaration_ids": list(declaration_ids)})
    ).all()
    # Whatever order the server drew the values in, the first declaration gets the
    # smallest number.
    values = sorted(int(value) for _declaration_id, value in rows)
    return {str(row[0]): value for row, value in zip(rows, values, strict=True)}


def ticket_row(ticket: TicketSnapshotV1, clock: SlaClock) -> dict[str, Any]:
    """The ``tickets`` row of a new ticket, as ``_REGISTER`` binds it."""
    return {
        "ticket_number": ticket.ticket_number,
        "declaration_id": ticket.declaration_id,
        "org_id": ticket.org_id,
        "contract_id": ticket.contract_id,
        "element_id": ticket.element_id,
        "region": ticket.region,
        "site_id": ticket.site_id,
        "nature": ticket.nature.value,
        "impacted_users": ticket.impacted_users.value,
        "main_usage": ticket.main_usage.value,
        "priority": ticket.priority.value,
        "status": ticket.status.value,
        "customer_reference": ticket.customer_reference,
        "description": ticket.description,
        "occurred_at": ticket.occurred_at,
        "declared_by": ticket.declared_by.model_dump_json(),
        "interlocutor": ticket.interlocutor.model_dump_json(),
        "notify": _RECIPIENTS.dump_json(ticket.notify).decode(),
        # JSON null, not SQL NULL, as the ORM has always written an absent one.
        "onsite_contact": ticket.onsite_contact.model_dump_json()
        if ticket.onsite_contact
        else _JSON_NULL,
        "attachment_ids": json.dumps(ticket.attachment_ids),
        "assignee": ticket.assignee.model_dump_json() if ticket.assignee else _JSON_NULL,
        "priority_overridden": ticket.priority_overridden,
        **sla_columns(clock),
        "resolved_at": ticket.resolved_at,
        "closed_at": ticket.closed_at,
        "version": ticket.version,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
    }


async def insert_new_tickets(
    session: AsyncSession,
    change: TicketChangeV1,
    tickets: Sequence[tuple[CloudEvent[TicketUpdatedV1], SlaClock]],
) -> None:
    """Write each ticket (its ``ticket.updated`` event's snapshot and its SLA clock),
    ``change`` as its first history entry, and the event, in the current transaction.
    A ticket whose declaration was registered meanwhile is left out, with its entry
    and its event."""
    if not tickets:
        return
    rows = [ticket_row(event.data.ticket, clock) for event, clock in tickets]
    events = [event for event, _clock in tickets]
    await session.execute(
        _REGISTER,
        {
            **column_lists(TICKET_COLUMNS, rows),
            **_history_parameters(change),
            "event_type": TicketUpdatedV1.event_type,
            "routing_key": TicketUpdatedV1.routing_key,
            "event_ticket_numbers": [event.data.ticket.ticket_number for event in events],
            "event_ids": [event.id for event in events],
            "event_correlation_ids": [event.correlationid for event in events],
            "event_bodies": [event.to_json_bytes() for event in events],
        },
    )


def _history_parameters(change: TicketChangeV1) -> Mapping[str, Any]:
    return {
        "history_at": change.at,
        "history_kind": change.kind.value,
        "history_public": change.public,
        "history_actor_kind": change.actor.kind.value,
        "history_to_status": change.to_status.value if change.to_status else None,
    }
