"""Recording new deliveries, each attached to its recipient's thread, in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from notification.domain.threads import thread_key


@dataclass(frozen=True)
class NewDelivery:
    event_id: str
    declaration_id: str
    org_id: str
    ticket_number: str | None
    # The ticket version whose change the email reports; None for the acknowledgement.
    ticket_version: int | None
    kind: str
    recipient_email: str
    recipient_name: str | None
    language: str
    subject: str
    body_text: str
    body_html: str
    message_id: str


# The deliveries travel as one array per column. Those not recorded yet (neither for
# this event and recipient, nor for this change of the ticket and recipient) propose
# themselves as the root of their recipient's thread, the first of each thread in the
# given order; where a thread exists already, the no-op update returns its root (and
# waits for a concurrent transaction that is creating it, so two events of one
# incident cannot both become roots). Threads are upserted in their key's order: two
# transactions lock the rows of one incident in the same order and cannot deadlock.
# Then every delivery is inserted naming its root (none for the root itself), those
# recorded already left alone (ON CONFLICT DO NOTHING, on either unique key).
# The deliveries recorded already are looked up one by one in the unique indexes
# (LATERAL ... LIMIT 1), never joined as a whole: a plan cached while the table was
# small would otherwise read it all, on every call, once it has grown.
_ADD = text(
    """
    WITH given AS (
        SELECT *
        FROM unnest(
            CAST(:event_ids AS varchar[]),
            CAST(:declaration_ids AS varchar[]),
            CAST(:org_ids AS varchar[]),
            CAST(:ticket_numbers AS varchar[]),
            CAST(:ticket_versions AS integer[]),
            CAST(:kinds AS varchar[]),
            CAST(:recipient_emails AS varchar[]),
            CAST(:recipient_names AS varchar[]),
            CAST(:languages AS varchar[]),
            CAST(:subjects AS text[]),
            CAST(:bodies_text AS text[]),
            CAST(:bodies_html AS text[]),
            CAST(:message_ids AS varchar[]),
            CAST(:thread_keys AS varchar[])
        ) WITH ORDINALITY AS given(
            event_id, declaration_id, org_id, ticket_number, ticket_version, kind,
            recipient_email, recipient_name, language, subject, body_text, body_html,
            message_id, thread_key, position
        )
    ),
    fresh AS (
        SELECT given.*
        FROM given
        LEFT JOIN LATERAL (
            SELECT true AS found FROM deliveries AS known
            WHERE known.event_id = given.event_id
              AND known.recipient_email = given.recipient_email
            LIMIT 1
        ) AS same_event ON true
        LEFT JOIN LATERAL (
            SELECT true AS found FROM deliveries AS known
            WHERE known.declaration_id = given.declaration_id
              AND known.ticket_version = given.ticket_version
              AND known.recipient_email = given.recipient_email
            LIMIT 1
        ) AS same_change ON true
        WHERE same_event.found IS NULL AND same_change.found IS NULL
    ),
    roots AS (
        INSERT INTO threads (declaration_id, recipient, root_message_id)
        SELECT DISTINCT ON (declaration_id, thread_key) declaration_id, thread_key, message_id
        FROM fresh
        ORDER BY declaration_id, thread_key, position
        ON CONFLICT (declaration_id, recipient)
        DO UPDATE SET root_message_id = threads.root_message_id
        RETURNING declaration_id, recipient, root_message_id
    )
    INSERT INTO deliveries (
        event_id, declaration_id, org_id, ticket_number, ticket_version, kind,
        recipient_email, recipient_name, language, subject, body_text, body_html,
        message_id, in_reply_to, status
    )
    SELECT given.event_id, given.declaration_id, given.org_id, given.ticket_number,
           given.ticket_version, given.kind, given.recipient_email, given.recipient_name,
           given.language, given.subject, given.body_text, given.body_html,
           given.message_id, NULLIF(roots.root_message_id, given.message_id), 'pending'
    FROM given
    LEFT JOIN roots
      ON roots.declaration_id = given.declaration_id AND roots.recipient = given.thread_key
    ORDER BY given.position
    ON CONFLICT DO NOTHING
    RETURNING id
    """
)


async def add_deliveries(session: AsyncSession, deliveries: Sequence[NewDelivery]) -> int:
    """Insert the deliveries not recorded yet, each joining its recipient's thread (its
    root if the recipient has none for this incident yet, a reply to the root
    otherwise); the number inserted.

    A delivery already recorded for the same event and recipient, or for the same
    change of the same ticket and recipient, is left alone.
    """
    if not deliveries:
        return 0
    result = await session.execute(
        _ADD,
        {
            "event_ids": [d.event_id for d in deliveries],
            "declaration_ids": [d.declaration_id for d in deliveries],
            "org_ids": [d.org_id for d in deliveries],
            "ticket_numbers": [d.ticket_number for d in deliveries],
            "ticket_versions": [d.ticket_version for d in deliveries],
            "kinds": [d.kind for d in deliveries],
            "recipient_emails": [d.recipient_email for d in deliveries],
            "recipient_names": [d.recipient_name for d in deliveries],
            "languages": [d.language for d in deliveries],
            "subjects": [d.subject for d in deliveries],
            "bodies_text": [d.body_text for d in deliveries],
            "bodies_html": [d.body_html for d in deliveries],
            "message_ids": [d.message_id for d in deliveries],
            "thread_keys": [thread_key(d.recipient_email) for d in deliveries],
        },
    )
    return len(result.all())
