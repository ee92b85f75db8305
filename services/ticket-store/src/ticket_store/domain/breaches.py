"""Flagging the SLA due times that passed unmet.

Each breach is a change of its own, by the system: one version, one history entry, one
event. It is internal: operations escalate on it, while the customer reads the breach
flags and due times on the ticket itself. Every command first brings the clock up to
date this way, so a breach is recorded as such whichever path notices it first (the
periodic job, or an agent acting after the due time).
"""

from __future__ import annotations

from datetime import datetime

from ticket_store.domain.actors import SYSTEM
from ticket_store.domain.sla import Breach, due_breaches, flag
from ticket_store.domain.work import Change, Outcome, TicketWork, next_version
from ticketing_common.events.ticket_updated import ChangeKind


def breach_action(breach: Breach) -> str:
    return f"{breach.value}_breached"


def flag_breaches(work: TicketWork, at: datetime) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for breach in due_breaches(work.sla, work.status, at):
        work = next_version(work, at, sla=flag(work.sla, breach, at))
        change = Change(
            kind=ChangeKind.SLA_BREACHED,
            actor=SYSTEM,
            public=False,
            at=at,
            action=breach_action(breach),
        )
        outcomes.append(Outcome(work, change))
    return outcomes
