"""The relay: publishes outbox rows, and marks them sent only after the broker's ack.

Rows are claimed with ``FOR UPDATE SKIP LOCKED`` so several replicas share the work
without publishing a row twice at once. A crash between the broker's ack and the
commit sends the row again later; consumers drop the duplicate by its event id.

Rows the broker did not confirm wait an exponential backoff (30 s at most). When every
row of a batch failed (the broker away) and then a batch goes through (the broker
back), the rows still waiting are made due at once: an outage of the broker is not a
fault of each row, and its end should not leave events waiting their backoff out.
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import Interval, bindparam, delete, func, select, update

from ticketing_common.db.engine import SessionFactory
from ticketing_common.db.messaging_tables import OUTBOX_CHANNEL, outbox
from ticketing_common.logging import get_logger
from ticketing_common.messaging.publisher import ConfirmedPublisher, PublishFailed
from ticketing_common.metrics import (
    EVENTS_PUBLISHED,
    OUTBOX_BACKLOG,
    OUTBOX_OLDEST_AGE,
    PUBLISH_FAILURES,
)
from ticketing_common.notified_loop import NotifiedLoop

log = get_logger(__name__)

MAX_RETRY_DELAY_SECONDS = 30.0

# The statements of every batch, built once: building a statement costs more CPU than
# running it here (bench/RESULTS.md), and the relay runs one batch per wake-up.
_MARK_SENT = (
    update(outbox)
    .where(outbox.c.id.in_(bindparam("ids", expanding=True)))
    .values(published_at=func.now())
)


# One executemany for the rows the broker did not confirm (the broker away: the batch).
_MARK_REFUSED = (
    update(outbox)
    .where(outbox.c.id == bindparam("row_id"))
    .values(
        attempts=outbox.c.attempts + 1,
        last_error=bindparam("error"),
        available_at=func.now() + bindparam("delay", type_=Interval()),
    )
)


def _claim_statement(batch_size: int) -> Any:
    return (
        select(
            outbox.c.id,
            outbox.c.event_id,
            outbox.c.event_type,
            outbox.c.routing_key,
            outbox.c.correlation_id,
            outbox.c.body,
            outbox.c.attempts,
        )
        .where(outbox.c.published_at.is_(None), outbox.c.available_at <= func.now())
        .order_by(outbox.c.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True)
    )


class OutboxRelay:
    def __init__(
        self,
        *,
        session_factory: SessionFactory,
        publisher: ConfirmedPublisher,
        dsn: str,
        batch_size: int = 200,
        poll_seconds: float = 1.0,
        gather_seconds: float = 0.0,
        retention: timedelta = timedelta(hours=24),
        housekeeping_seconds: float = 5.0,
    ) -> None:
        self._session_factory = session_factory
        self._publisher = publisher
        self._batch_size = batch_size
        self._claim = _claim_statement(batch_size)
        self._retention = retention
        self._housekeeping_seconds = housekeeping_seconds
        self._last_housekeeping = 0.0
        # Every row of the last batch failed: the broker is probably away.
        self._broker_away = False
        self._loop = NotifiedLoop(
            name="outbox-relay",
            dsn=dsn,
            channel=OUTBOX_CHANNEL,
            work=self._work,
            poll_seconds=poll_seconds,
            gather_seconds=gather_seconds,
        )

    def start(self) -> None:
        self._loop.start()

    async def stop(self, timeout: float = 30.0) -> None:
        await self._loop.stop(timeout)

    async def _work(self) -> bool:
        published = await self.publish_batch()
        now = time.monotonic()
        if now - self._last_housekeeping >= self._housekeeping_seconds:
            self._last_housekeeping = now
            await self.housekeeping()
        return published >= self._batch_size

    async def publish_batch(self) -> int:
        """Publish one batch of due rows; the number of rows claimed."""
        async with self._session_factory.begin() as session:
            rows = (await session.execute(self._claim)).all()
            if not rows:
                return 0
            outcomes = await asyncio.gather(
                *(
                    self._publisher.publish(
                        routing_key=row.routing_key,
                        body=row.body,
                        message_id=row.event_id,
                        event_type=row.event_type,
                        correlation_id=row.correlation_id,
                    )
                    for row in rows
                ),
                return_exceptions=True,
            )
            confirmed = [
                row.id for row, outcome in zip(rows, outcomes, strict=True) if outcome is None
            ]
            if confirmed:
                await session.execute(_MARK_SENT, {"ids": confirmed})
            refused: list[dict[str, Any]] = []
            for row, outcome in zip(rows, outcomes, strict=True):
                if outcome is None:
                    EVENTS_PUBLISHED.labels(row.event_type).inc()
                    continue
                if not isinstance(outcome, PublishFailed):
                    raise outcome
                PUBLISH_FAILURES.labels(row.event_type).inc()
                delay = min(MAX_RETRY_DELAY_SECONDS, 0.5 * 2 ** min(row.attempts, 10))
                refused.append(
                    {
                        "row_id": row.id,
                        "error": str(outcome)[:1000],
                        "delay": timedelta(seconds=delay),
                    }
                )
            if refused:
                await session.execute(_MARK_REFUSED, refused)
            failed = len(rows) - len(confirmed)
            if failed:
                log.warning("broker did not confirm outbox rows", failed=failed, claimed=len(rows))
            if confirmed and self._broker_away:
                released = await session.execute(
                    update(outbox)
                    .where(outbox.c.published_at.is_(None), outbox.c.available_at > func.now())
                    .values(available_at=func.now())
                )
                log.info("broker back: outbox rows due again", rows=released.rowcount)  # type: ignore[attr-defined]
            self._broker_away = not confirmed
            return len(rows)

    async def housekeeping(self) -> None:
        """Update the backlog gauges and delete rows published long ago."""
        async with self._session_factory.begin() as session:
            backlog, oldest_age = (
                await session.execute(
                    select(
                        func.count(),
                        func.coalesce(
                            func.extract("epoch", func.now() - func.min(outbox.c.created_at)), 0
                        ),
                    ).where(outbox.c.published_at.is_(None))
                )
            ).one()
            OUTBOX_BACKLOG.set(backlog)
            OUTBOX_OLDEST_AGE.set(float(oldest_age))
            expired = (
                select(outbox.c.id)
                .where(outbox.c.published_at < func.now() - self._retention)
                .limit(5000)
                .scalar_subquery()
            )
            await session.execute(delete(outbox).where(outbox.c.id.in_(expired)))
