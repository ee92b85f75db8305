"""Recording new deliveries, each attached to its recipient's thread."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import bindparam, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.tables import Base, Delivery, Thread
from notification.domain.delivery import DeliveryStatus
from notification.domain.threads import thread_key

# The table itself: an update with a list of parameters on it is a plain executemany,
# not the ORM's bulk update by primary key.
_deliveries = Base.metadata.tables[Delivery.__tablename__]


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


async def add_deliveries(session: AsyncSession, deliveries: Sequence[NewDelivery]) -> int:
    """Insert the deliveries not recorded yet; the number inserted.

    A delivery already recorded for the same event and recipient, or for the same
    change of the same ticket and recipient, is left alone (``ON CONFLICT DO
    NOTHING`` on either unique key). Each delivery inserted then joins its recipient's
    thread: it becomes the root if the recipient has none for this incident yet,
    otherwise it refers to the root.
    """
    if not deliveries:
        return 0
    inserted = (
        await session.execute(
            insert(Delivery)
            .values([{**asdict(d), "status": DeliveryStatus.PENDING.value} for d in deliveries])
            .on_conflict_do_nothing()
            .returning(
                Delivery.id,
                Delivery.declaration_id,
                Delivery.recipient_email,
                Delivery.message_id,
            )
        )
    ).all()
    roots: dict[tuple[str, str], str] = {}
    for row in inserted:
        roots.setdefault((row.declaration_id, thread_key(row.recipient_email)), row.message_id)
    if not roots:
        return 0
    threads = insert(Thread).values(
        [
            {"declaration_id": declaration_id, "recipient": recipient, "root_message_id": root}
            # Sorted: two transactions upserting threads of one incident lock its rows
            # in the same order, and cannot deadlock.
            for (declaration_id, recipient), root in sorted(roots.items())
        ]
    )
    # Proposes each delivery as the root; where a thread exists already the no-op
    # update returns its root (and waits for a concurrent transaction that is
    # creating it, so two events of one incident cannot both become roots).
    existing = await session.execute(
        threads.on_conflict_do_update(
            index_elements=[Thread.declaration_id, Thread.recipient],
            set_={"root_message_id": Thread.root_message_id},
        ).returning(Thread.declaration_id, Thread.recipient, Thread.root_message_id)
    )
    root_of = {(r.declaration_id, r.recipient): r.root_message_id for r in existing}
    replies = [
        {"delivery_id": row.id, "root": root}
        for row in inserted
        if (root := root_of[(row.declaration_id, thread_key(row.recipient_email))])
        != row.message_id
    ]
    if replies:
        await session.execute(
            update(_deliveries)
            .where(_deliveries.c.id == bindparam("delivery_id"))
            .values(in_reply_to=bindparam("root")),
            replies,
        )
    return len(inserted)
