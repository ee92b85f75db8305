"""Waiting for what happens in the background, and reading the delivery log."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from notification.adapters.tables import Delivery
from notification.bootstrap import event_router
from notification.handlers.acknowledgement import acknowledge_declarations
from notification.handlers.context import EmailContext
from notification.handlers.ticket_updated import on_tickets_updated
from ticketing_common.db.engine import SessionFactory
from ticketing_common.events import CloudEvent
from ticketing_common.inbox import record_first_deliveries
from ticketing_common.messaging.consumer import BatchHandler
from ticketing_common.messaging.topology import QUEUES

PORTAL = "https://portal.example.com"
MAIL_DOMAIN = "ticketing.invalid"
CONTEXT = EmailContext(portal_base_url=PORTAL, message_id_domain=MAIL_DOMAIN)


async def wait_until(
    predicate: Callable[[], Awaitable[bool]], *, timeout: float = 10.0, what: str = "condition"
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await predicate():
        if loop.time() > deadline:
            raise AssertionError(f"{what} not reached in {timeout}s")
        await asyncio.sleep(0.02)


async def consume(
    session_factory: SessionFactory, handler: BatchHandler, event: CloudEvent[Any]
) -> bool:
    """Apply ``event`` as the consumer does: inbox row and effect in one transaction."""
    async with session_factory.begin() as session:
        first = bool(
            await record_first_deliveries(
                session, [(event.id, event.type)], queue=QUEUES["notification"].name
            )
        )
        if first:
            await handler(session, [event])
        return first


async def consume_batch(
    session_factory: SessionFactory,
    events: Sequence[CloudEvent[Any]],
    context: EmailContext = CONTEXT,
) -> None:
    """Apply ``events`` as the consumer applies a batch: their inbox rows, then each run
    of consecutive events of one handler through it, in one transaction."""
    router = event_router(context)
    async with session_factory.begin() as session:
        first = await record_first_deliveries(
            session, [(e.id, e.type) for e in events], queue=QUEUES["notification"].name
        )
        new = [event for event in events if event.id in first]
        runs: list[tuple[BatchHandler, list[CloudEvent[Any]]]] = []
        for event in new:
            route = router.route_for(event.type)
            assert route is not None
            if runs and runs[-1][0] is route.apply:
                runs[-1][1].append(event)
            else:
                runs.append((route.apply, [event]))
        for apply, run in runs:
            await apply(session, run)


async def declare(
    session_factory: SessionFactory, event: CloudEvent[Any], context: EmailContext = CONTEXT
) -> bool:
    return await consume(session_factory, acknowledge_declarations(context), event)


async def update_ticket(
    session_factory: SessionFactory, event: CloudEvent[Any], context: EmailContext = CONTEXT
) -> bool:
    return await consume(session_factory, on_tickets_updated(context), event)


async def deliveries(session_factory: SessionFactory) -> list[Delivery]:
    async with session_factory() as session:
        return list((await session.execute(select(Delivery).order_by(Delivery.id))).scalars())


class MovableClock:
    """A clock the test moves forward instead of waiting."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta
