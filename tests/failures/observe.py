"""Reading what every part of the system holds, for the verdict.

The list is read through search's API, as a customer sees it; tickets, intake's
declarations, the outboxes and the delivery log are read in the services' databases;
the emails from the mail catcher; the queues and their dead letters from the broker
(the dead letters with the suite's own tooling).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import asyncpg
import httpx
from aio_pika.abc import AbstractConnection

from ticketing_common.db.engine import asyncpg_dsn
from ticketing_common.dead_letters.queue import DeadLetterQueue
from ticketing_common.messaging.topology import QueueSpec
from ticketing_devkit.mailcatcher import MailCatcher
from ticketing_devkit.service_testing import auth_as

from .batch_poison import NEIGHBOUR_TYPE
from .verdict import DeadLetterSeen, Delivery, ListRow, Mail, Observations, Ticket

_LEGACY_MESSAGE_ID = re.compile(r"^<delivery-(\d+)@")


async def _fetch(database_url: str, query: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(asyncpg_dsn(database_url), timeout=10)
    try:
        return list(await connection.fetch(query))
    finally:
        await connection.close()


async def unsent_outbox(database_url: str) -> int:
    rows = await _fetch(database_url, "SELECT count(*) AS n FROM outbox WHERE published_at IS NULL")
    return int(rows[0]["n"])


async def declarations(database_url: str) -> dict[str, str | None]:
    rows = await _fetch(database_url, "SELECT id, ticket_number FROM declarations")
    return {str(row["id"]): row["ticket_number"] for row in rows}


async def tickets(database_url: str) -> list[Ticket]:
    rows = await _fetch(
        database_url, "SELECT declaration_id, ticket_number, status, priority FROM tickets"
    )
    return [
        Ticket(row["declaration_id"], row["ticket_number"], row["status"], row["priority"])
        for row in rows
    ]


async def deliveries(database_url: str) -> list[Delivery]:
    """The delivery log, whatever columns this version of notification keeps."""
    columns = {
        row["column_name"]
        for row in await _fetch(
            database_url,
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'deliveries'",
        )
    }
    optional = [name for name in ("message_id", "ticket_version") if name in columns]
    rows = await _fetch(
        database_url,
        "SELECT id, declaration_id, recipient_email, kind, status"
        + "".join(f", {name}" for name in optional)
        + " FROM deliveries",
    )
    return [
        Delivery(
            delivery_id=int(row["id"]),
            declaration_id=row["declaration_id"],
            recipient=row["recipient_email"].strip().lower(),
            kind=row["kind"],
            status=row["status"],
            # Deliveries without an identity of their own go as <delivery-{id}@domain>.
            message_id=(row["message_id"] if "message_id" in optional else None)
            or f"<delivery-{row['id']}@",
            ticket_version=row["ticket_version"] if "ticket_version" in optional else None,
        )
        for row in rows
    ]


async def journaled_neighbours(database_url: str) -> dict[str, int]:
    """The entries of search's journal for each neighbour of a poison."""
    connection = await asyncpg.connect(asyncpg_dsn(database_url), timeout=10)
    try:
        rows = await connection.fetch(
            "SELECT event_id, count(*) AS n FROM event_journal WHERE type = $1 GROUP BY event_id",
            NEIGHBOUR_TYPE,
        )
    finally:
        await connection.close()
    return {str(row["event_id"]): int(row["n"]) for row in rows}


def mails(catcher: MailCatcher) -> list[Mail]:
    found = []
    for received in catcher.messages:
        message_id = str(received.message.get("Message-ID", "")).strip()
        legacy = _LEGACY_MESSAGE_ID.match(message_id)
        found.append(
            Mail(
                message_id=f"<delivery-{legacy.group(1)}@" if legacy else message_id,
                recipients=tuple(sorted(r.strip().lower() for r in received.recipients)),
            )
        )
    return found


async def list_rows(client: httpx.AsyncClient, search_url: str) -> list[ListRow]:
    """Every row of the incident list, page after page, as operations see it."""
    rows: list[ListRow] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 200}
        if cursor:
            params["cursor"] = cursor
        response = await client.get(
            f"{search_url}/v1/incidents", params=params, headers=auth_as("supervisor"), timeout=30
        )
        response.raise_for_status()
        page = response.json()
        rows.extend(
            ListRow(
                declaration_id=item["declaration_id"],
                ticket_number=item.get("ticket_number"),
                status=item["status"],
                priority=item.get("priority"),
            )
            for item in page["items"]
        )
        cursor = page.get("next_cursor")
        if not cursor:
            return rows


async def queue_depths(connection: AbstractConnection, specs: list[QueueSpec]) -> dict[str, int]:
    channel = await connection.channel()
    try:
        depths = {}
        for spec in specs:
            declared = await channel.declare_queue(spec.name, passive=True)
            depths[spec.name] = declared.declaration_result.message_count or 0
        return depths
    finally:
        await channel.close()


async def dead_letters(
    connection: AbstractConnection, specs: list[QueueSpec]
) -> list[DeadLetterSeen]:
    seen: list[DeadLetterSeen] = []
    for spec in specs:
        browse = await DeadLetterQueue(connection, spec, idle_seconds=1.0).browse(limit=10_000)
        seen.extend(
            DeadLetterSeen(spec.name, letter.message_id, letter.reason, letter.detail)
            for letter in browse.letters
        )
    return seen


async def observe(
    *,
    database_urls: Mapping[str, str],
    search_url: str,
    catcher: MailCatcher,
    connection: AbstractConnection,
    specs: list[QueueSpec],
    client: httpx.AsyncClient,
) -> Observations:
    return Observations(
        declarations=await declarations(database_urls["intake"]),
        tickets=await tickets(database_urls["ticket-store"]),
        list_rows=await list_rows(client, search_url),
        deliveries=await deliveries(database_urls["notification"]),
        mails=mails(catcher),
        unsent_outbox={
            name: await unsent_outbox(database_urls[name]) for name in ("intake", "ticket-store")
        },
        queue_depths=await queue_depths(connection, specs),
        dead_letters=await dead_letters(connection, specs),
        journaled_neighbours=await journaled_neighbours(database_urls["search"]),
    )


async def backlog(
    *,
    database_urls: Mapping[str, str],
    connection: AbstractConnection,
    specs: list[QueueSpec],
    accepted: int,
) -> str | None:
    """Work obviously still under way, cheaply read; None when none is seen (and the
    full observation is worth making)."""
    for name in ("intake", "ticket-store"):
        if unsent := await unsent_outbox(database_urls[name]):
            return f"{name}: {unsent} outbox rows to publish"
    for queue, depth in (await queue_depths(connection, specs)).items():
        if depth:
            return f"{queue}: {depth} messages waiting"
    rows = await _fetch(database_urls["ticket-store"], "SELECT count(*) AS n FROM tickets")
    if int(rows[0]["n"]) < accepted:
        return f"{rows[0]['n']} tickets of {accepted}"
    rows = await _fetch(
        database_urls["notification"],
        "SELECT count(*) AS n FROM deliveries WHERE status IN ('pending', 'retrying')",
    )
    if int(rows[0]["n"]):
        return f"{rows[0]['n']} emails to send"
    return None
