"""The claim, one statement in the database, takes what the rule of the hourly limit
(``domain.org_limit.plan_claims``) says it may take, and makes the others wait."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from notification.adapters.delivery_claims import claim_due
from notification.adapters.tables import Delivery
from notification.domain.org_limit import DueDelivery, plan_claims
from ticketing_common.db.engine import SessionFactory

NOW = datetime.now(UTC).replace(microsecond=0)
LIMIT = 3


def row(org_id: str, **values: object) -> dict[str, object]:
    return {
        "event_id": str(uuid.uuid4()),
        "declaration_id": str(uuid.uuid4()),
        "org_id": org_id,
        "kind": "acknowledgement",
        "recipient_email": f"{uuid.uuid4().hex[:8]}@example.com",
        "language": "fr",
        "subject": "s",
        "body_text": "t",
        "body_html": "h",
        "message_id": f"<{uuid.uuid4().hex}@ticketing.invalid>",
        "status": "pending",
        **values,
    }


async def claimed_against_the_rule(
    session_factory: SessionFactory,
    *,
    sent: dict[str, int],
    in_flight: dict[str, int],
    due: list[str],
    batch: int,
) -> None:
    rows = [
        row(org, status="sent", sent_at=NOW - timedelta(minutes=10), attempts=1)
        for org, count in sent.items()
        for _ in range(count)
    ]
    # Sent more than an hour ago: out of the window.
    rows += [row(org, status="sent", sent_at=NOW - timedelta(hours=2)) for org in sent]
    rows += [
        row(
            org,
            next_attempt_at=NOW + timedelta(minutes=5),
            claimed_until=NOW + timedelta(minutes=5),
        )
        for org, count in in_flight.items()
        for _ in range(count)
    ]
    async with session_factory.begin() as session:
        await session.execute(insert(Delivery), rows)
        ids = (
            (
                await session.execute(
                    insert(Delivery).returning(Delivery.id),
                    [
                        row(org, next_attempt_at=NOW - timedelta(seconds=len(due) - turn))
                        for turn, org in enumerate(due)
                    ],
                )
            )
            .scalars()
            .all()
        )
    used = Counter(sent) + Counter(in_flight)
    plan = plan_claims(
        [DueDelivery(id, org) for id, org in zip(ids, due, strict=True)][:batch], used, LIMIT
    )
    async with session_factory.begin() as session:
        claim = await claim_due(
            session, now=NOW, limit=batch, lease=timedelta(minutes=2), hourly_limit=LIMIT
        )
    assert [c.email.delivery_id for c in claim.deliveries] == plan.take
    assert list(claim.waiting) == plan.full
    # Every due delivery of a full organization that was not taken waits its turn.
    left = Counter(org for id, org in zip(ids, due, strict=True) if id not in plan.take)
    assert claim.waiting == {org: left[org] for org in plan.full}


async def test_each_organization_takes_its_room_and_the_full_ones_wait(
    session_factory: SessionFactory,
) -> None:
    await claimed_against_the_rule(
        session_factory,
        sent={"A": 2, "C": 3},
        in_flight={"B": 1},
        due=["A", "B", "A", "C", "B", "D", "B", "A", "D"],
        batch=20,
    )


async def test_a_batch_smaller_than_the_queue_takes_its_head(
    session_factory: SessionFactory,
) -> None:
    await claimed_against_the_rule(
        session_factory, sent={"A": 1}, in_flight={}, due=["A", "B", "A", "A", "B"], batch=2
    )


@pytest.mark.parametrize("seed", range(6))
async def test_any_queue_is_claimed_as_the_rule_says(
    session_factory: SessionFactory, seed: int
) -> None:
    rng = random.Random(seed)
    orgs = ["A", "B", "C", "D"]
    await claimed_against_the_rule(
        session_factory,
        sent={org: rng.randint(0, 4) for org in orgs},
        in_flight={org: rng.randint(0, 2) for org in orgs},
        due=[rng.choice(orgs) for _ in range(rng.randint(1, 14))],
        batch=20,
    )
