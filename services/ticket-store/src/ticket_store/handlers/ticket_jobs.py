"""The periodic jobs: flag the SLA breaches, close the resolved tickets left alone.

Each pass claims its tickets in batches with ``FOR UPDATE SKIP LOCKED``, each batch in
one transaction: several replicas running the jobs at once share the tickets and never
change the same one twice; a ticket being changed by a request is skipped and found
again by the next pass. A claimed ticket is recorded like any change (version + 1,
history, event), conditioned on the version read under the lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, or_, select

from ticket_store.adapters.tables import Ticket
from ticket_store.adapters.ticket_writes import record_outcome
from ticket_store.adapters.work_rows import work_of
from ticket_store.domain.auto_close import auto_close, auto_close_due
from ticket_store.domain.breaches import flag_breaches
from ticket_store.domain.sla import RUNNING
from ticket_store.domain.work import Outcome, TicketWork
from ticket_store.handlers.desk import Desk
from ticket_store.metrics import count_committed
from ticketing_common.db.engine import SessionFactory
from ticketing_common.logging import get_logger
from ticketing_common.reference import TicketStatus

log = get_logger(__name__)

# The outcomes a job records for one claimed ticket (none when it no longer applies).
TicketJob = Callable[[TicketWork, datetime], list[Outcome]]


@dataclass(frozen=True)
class JobReport:
    breaches_flagged: int = 0
    tickets_auto_closed: int = 0


def breach_candidates(now: datetime) -> Select[Ticket]:
    """Tickets whose clock runs and a due time passed unflagged (see ``sla.due_breaches``)."""
    return select(Ticket).where(
        Ticket.status.in_([status.value for status in RUNNING]),
        Ticket.sla_paused_since.is_(None),
        or_(
            and_(
                Ticket.responded_at.is_(None),
                Ticket.response_breached_at.is_(None),
                Ticket.response_due_at <= now,
            ),
            and_(Ticket.resolution_breached_at.is_(None), Ticket.resolution_due_at <= now),
        ),
    )


def auto_close_candidates(desk: Desk, now: datetime) -> Select[Ticket]:
    return select(Ticket).where(
        Ticket.status == TicketStatus.RESOLVED.value,
        Ticket.updated_at <= now - desk.auto_close_after,
    )


async def run_claimed(
    session_factory: SessionFactory,
    candidates: Select[Ticket],
    job: TicketJob,
    *,
    now: datetime,
    batch_size: int,
) -> int:
    """Apply ``job`` to every candidate, a batch per transaction; the changes recorded."""
    recorded = 0
    after = ""
    while True:
        committed: list[Outcome] = []
        async with session_factory.begin() as session:
            # Keyset on the number: each pass ends, even on a ticket the job leaves as is.
            batch = (
                await session.scalars(
                    candidates.where(Ticket.ticket_number > after)
                    .order_by(Ticket.ticket_number)
                    .limit(batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            for ticket in batch:
                for outcome in job(work_of(ticket), now):
                    await record_outcome(session, ticket.ticket_number, outcome)
                    committed.append(outcome)
        count_committed(committed)
        recorded += len(committed)
        if len(batch) < batch_size:
            return recorded
        after = batch[-1].ticket_number


@dataclass(frozen=True)
class TicketJobs:
    session_factory: SessionFactory
    desk: Desk
    batch_size: int = 100

    async def flag_breaches(self) -> int:
        return await run_claimed(
            self.session_factory,
            breach_candidates(now := self.desk.clock()),
            flag_breaches,
            now=now,
            batch_size=self.batch_size,
        )

    async def close_resolved(self) -> int:
        def close(work: TicketWork, at: datetime) -> list[Outcome]:
            if not auto_close_due(work, at=at, after=self.desk.auto_close_after):
                return []
            return [
                auto_close(work, at=at, after=self.desk.auto_close_after, policy=self.desk.policy)
            ]

        return await run_claimed(
            self.session_factory,
            auto_close_candidates(self.desk, now := self.desk.clock()),
            close,
            now=now,
            batch_size=self.batch_size,
        )

    async def run_once(self) -> JobReport:
        report = JobReport(
            breaches_flagged=await self.flag_breaches(),
            tickets_auto_closed=await self.close_resolved(),
        )
        if report.breaches_flagged or report.tickets_auto_closed:
            log.info(
                "ticket jobs",
                breaches_flagged=report.breaches_flagged,
                tickets_auto_closed=report.tickets_auto_closed,
            )
        return report
