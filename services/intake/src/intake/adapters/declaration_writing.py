"""Writing an accepted declaration: the idempotency claim, the declaration, its files'
links and its outbox row, in one statement.

One statement is one transaction: all of it commits or none, with no BEGIN and COMMIT
to send (the POST's hot path, bench/RESULTS.md). Each part follows the one before:

- ``free`` locks the named files still free. The rules judged them on an earlier read;
  a file another declaration took meanwhile, or the cleanup removed, is not in it (under
  READ COMMITTED, the lock waits for the other transaction and reads the row again).
- ``claim`` claims the key with its answer already written, only if every named file is
  free. A key already used (by a racing twin, committed by now) claims nothing.
- the outbox row, the declaration and the links are written only with the claim: with
  no claim, the statement writes nothing at all.

The declaration's ``accepted`` column is the event's ``data``, read from the outbox row
by the server, so the event is encoded once, here, in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing_common.events import CloudEvent, IncidentDeclaredV1
from ticketing_common.outbox.writer import outbox_row

_WRITE = text(
    """
    WITH free AS MATERIALIZED (
        SELECT id FROM attachments
        WHERE id = ANY(:attachment_ids) AND org_id = :org_id AND declaration_id IS NULL
        FOR UPDATE
    ),
    claim AS (
        INSERT INTO idempotency_keys
            (user_sub, key, request_hash, status_code, response, declaration_id)
        SELECT
            :user_sub, :key, :request_hash, 202,
            jsonb_build_object(
                'declaration_id', CAST(:declaration_id AS text), 'status', 'accepted'
            ),
            :declaration_id
        WHERE (SELECT count(*) FROM free) = cardinality(CAST(:attachment_ids AS text[]))
        ON CONFLICT DO NOTHING
        RETURNING declaration_id
    ),
    event AS (
        INSERT INTO outbox (event_id, event_type, routing_key, correlation_id, body)
        SELECT :event_id, :event_type, :routing_key, :correlation_id, CAST(:body AS bytea)
        FROM claim
        RETURNING body
    ),
    declaration AS (
        INSERT INTO declarations
            (id, org_id, contract_id, declared_by_sub, accepted, created_at)
        SELECT
            claim.declaration_id, :org_id, :contract_id, :declared_by_sub,
            CAST(convert_from(event.body, 'UTF8') AS jsonb) -> 'data', :created_at
        FROM claim, event
    ),
    linked AS (
        UPDATE attachments SET declaration_id = claim.declaration_id, linked_at = :created_at
        FROM claim
        WHERE attachments.id IN (SELECT id FROM free)
    )
    SELECT
        EXISTS (SELECT FROM claim) AS claimed,
        ARRAY(SELECT id FROM free) AS free_attachments
    """
)


@dataclass(frozen=True)
class WriteOutcome:
    # False: nothing was written (the key was used before, or a file was lost).
    claimed: bool
    # The named files that were still free.
    free_attachments: frozenset[str]


async def write_accepted_declaration(
    session: AsyncSession,
    event: CloudEvent[IncidentDeclaredV1],
    *,
    user_sub: str,
    key: str,
    request_hash: str,
    attachment_ids: Sequence[str],
) -> WriteOutcome:
    data = event.data
    parameters: dict[str, Any] = {
        **outbox_row(event),
        "attachment_ids": list(attachment_ids),
        "org_id": data.org_id,
        "user_sub": user_sub,
        "key": key,
        "request_hash": request_hash,
        "declaration_id": data.declaration_id,
        "contract_id": data.contract_id,
        "declared_by_sub": data.declared_by.sub,
        "created_at": data.declared_at,
    }
    row = (await session.execute(_WRITE, parameters)).one()
    return WriteOutcome(bool(row.claimed), frozenset(row.free_attachments))
