"""What the system must look like once settled, as pure comparisons.

Given what the client was promised (the declarations accepted with a 202, the poison
messages sent) and what every service holds, list every way the promise is broken:
something lost, something doubled, something left half done. An empty list is the
verdict "nothing lost, nothing doubled".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from .poison import ExpectedDeadLetter

ACKNOWLEDGEMENT = "acknowledgement"


@dataclass(frozen=True)
class Ticket:
    declaration_id: str
    ticket_number: str
    status: str
    priority: str


@dataclass(frozen=True)
class ListRow:
    declaration_id: str
    ticket_number: str | None
    status: str
    priority: str | None


@dataclass(frozen=True)
class Delivery:
    delivery_id: int
    declaration_id: str
    recipient: str
    kind: str
    status: str
    message_id: str
    # The ticket version whose change the email reports; None for the acknowledgement
    # (or where the service does not record it).
    ticket_version: int | None = None


@dataclass(frozen=True)
class Mail:
    message_id: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class DeadLetterSeen:
    queue: str
    message_id: str | None
    reason: str
    detail: str | None


@dataclass(frozen=True)
class Observations:
    # Intake's declarations: id -> the ticket number it learnt.
    declarations: Mapping[str, str | None]
    tickets: list[Ticket]
    list_rows: list[ListRow]
    deliveries: list[Delivery]
    mails: list[Mail]
    unsent_outbox: Mapping[str, int]
    queue_depths: Mapping[str, int]
    dead_letters: list[DeadLetterSeen]
    # The neighbours of poisons in a batch (batch_poison.py): event id -> the entries
    # search's journal holds for it.
    journaled_neighbours: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Promises:
    # Declaration id -> the addresses (lower case) that must get its acknowledgement.
    accepted: Mapping[str, frozenset[str]]
    dead_letters: list[ExpectedDeadLetter]
    # notification sends a round of emails, then marks them sent together: if it dies
    # (SIGKILL) between the two, the round goes again after its claim runs out, with
    # the same Message-IDs: at most a round (DELIVERY_BATCH_SIZE) of extra copies per
    # notification SIGKILL. A database outage holds the marks until it ends; one extra
    # copy per outage (a restart is one) is still allowed for an outage that outlasts
    # the hold.
    allowed_extra_copies: int
    # Valid events published between poisons in one batch: each must be applied once
    # though the batch failed.
    neighbours: frozenset[str] = frozenset()


@dataclass
class Verdict:
    violations: list[str] = field(default_factory=list)
    figures: dict[str, int] = field(default_factory=dict)

    @property
    def settled(self) -> bool:
        return not self.violations

    def broken(self, what: str) -> None:
        self.violations.append(what)


def judge(seen: Observations, promised: Promises) -> Verdict:
    verdict = Verdict()
    tickets = _judge_tickets(seen, promised, verdict)
    _judge_intake(seen, promised, tickets, verdict)
    _judge_list(seen, promised, tickets, verdict)
    _judge_mail(seen, promised, verdict)
    _judge_pipes(seen, verdict)
    _judge_dead_letters(seen, promised, verdict)
    _judge_neighbours(seen, promised, verdict)
    return verdict


def _judge_tickets(seen: Observations, promised: Promises, verdict: Verdict) -> dict[str, Ticket]:
    by_declaration: dict[str, list[Ticket]] = defaultdict(list)
    for ticket in seen.tickets:
        by_declaration[ticket.declaration_id].append(ticket)
    for declaration_id in promised.accepted:
        count = len(by_declaration.get(declaration_id, []))
        if count != 1:
            verdict.broken(f"declaration {declaration_id}: {count} tickets, not 1")
    for declaration_id in by_declaration.keys() - promised.accepted.keys():
        verdict.broken(f"ticket for declaration {declaration_id}, never accepted")
    verdict.figures["tickets"] = len(seen.tickets)
    return {key: found[0] for key, found in by_declaration.items() if len(found) == 1}


def _judge_intake(
    seen: Observations, promised: Promises, tickets: Mapping[str, Ticket], verdict: Verdict
) -> None:
    for declaration_id in promised.accepted:
        if declaration_id not in seen.declarations:
            verdict.broken(f"declaration {declaration_id}: accepted, unknown to intake")
            continue
        known = seen.declarations[declaration_id]
        ticket = tickets.get(declaration_id)
        if ticket is not None and known != ticket.ticket_number:
            verdict.broken(
                f"declaration {declaration_id}: intake knows ticket {known}, "
                f"not {ticket.ticket_number}"
            )
    for declaration_id in seen.declarations.keys() - promised.accepted.keys():
        verdict.broken(f"declaration {declaration_id} in intake, never answered 202")


def _judge_list(
    seen: Observations, promised: Promises, tickets: Mapping[str, Ticket], verdict: Verdict
) -> None:
    rows: dict[str, list[ListRow]] = defaultdict(list)
    for row in seen.list_rows:
        rows[row.declaration_id].append(row)
    for declaration_id in promised.accepted:
        found = rows.get(declaration_id, [])
        if len(found) != 1:
            verdict.broken(f"declaration {declaration_id}: {len(found)} rows in the list, not 1")
            continue
        row, ticket = found[0], tickets.get(declaration_id)
        if ticket is None:
            continue
        final = (ticket.ticket_number, ticket.status, ticket.priority)
        shown = (row.ticket_number, row.status, row.priority)
        if shown != final:
            verdict.broken(f"declaration {declaration_id}: the list shows {shown}, not {final}")
    for declaration_id in rows.keys() - promised.accepted.keys():
        verdict.broken(f"list row for declaration {declaration_id}, never accepted")
    verdict.figures["list_rows"] = len(seen.list_rows)


def _judge_mail(seen: Observations, promised: Promises, verdict: Verdict) -> None:
    copies = Counter(mail.message_id for mail in seen.mails)
    by_message_id = {delivery.message_id: delivery for delivery in seen.deliveries}
    for mail in seen.mails:
        delivery = by_message_id.get(mail.message_id)
        if delivery is None:
            verdict.broken(f"email {mail.message_id} to {mail.recipients}: no delivery sent it")
        elif set(mail.recipients) != {delivery.recipient}:
            verdict.broken(
                f"email {mail.message_id} went to {mail.recipients}, not {delivery.recipient}"
            )
    seen_keys: Counter[tuple[str, str, str, int | None]] = Counter()
    acknowledged: dict[str, set[str]] = defaultdict(set)
    for delivery in seen.deliveries:
        key = (delivery.declaration_id, delivery.recipient, delivery.kind, delivery.ticket_version)
        seen_keys[key] += 1
        if delivery.status != "sent":
            verdict.broken(
                f"delivery {delivery.delivery_id} ({delivery.kind}) is {delivery.status}"
            )
        elif not copies[delivery.message_id]:
            verdict.broken(
                f"delivery {delivery.delivery_id} ({delivery.kind}) marked sent, never received"
            )
        if delivery.declaration_id not in promised.accepted:
            verdict.broken(f"delivery {delivery.delivery_id} for a declaration never accepted")
        elif delivery.recipient not in promised.accepted[delivery.declaration_id]:
            verdict.broken(
                f"delivery {delivery.delivery_id}: {delivery.recipient} was not to be told of "
                f"{delivery.declaration_id}"
            )
        if delivery.kind == ACKNOWLEDGEMENT:
            acknowledged[delivery.declaration_id].add(delivery.recipient)
    for key, count in seen_keys.items():
        if count > 1:
            verdict.broken(f"{count} deliveries of one email {key}")
    for declaration_id, recipients in promised.accepted.items():
        missing = recipients - acknowledged.get(declaration_id, set())
        if missing:
            verdict.broken(
                f"declaration {declaration_id}: no acknowledgement for {sorted(missing)}"
            )
    extra = sum(count - 1 for count in copies.values())
    if extra > promised.allowed_extra_copies:
        doubled = sorted(message_id for message_id, count in copies.items() if count > 1)
        verdict.broken(
            f"{extra} extra copies of emails, more than the {promised.allowed_extra_copies} "
            f"that notification's SIGKILLs and database outages can explain: {doubled[:10]}"
        )
    verdict.figures["emails"] = len(seen.mails)
    verdict.figures["distinct_emails"] = len(copies)
    verdict.figures["extra_copies"] = extra


def _judge_pipes(seen: Observations, verdict: Verdict) -> None:
    for service, count in sorted(seen.unsent_outbox.items()):
        if count:
            verdict.broken(f"{service}: {count} outbox rows not published")
    for queue, depth in sorted(seen.queue_depths.items()):
        if depth:
            verdict.broken(f"{queue}: {depth} messages still waiting")


def _judge_dead_letters(seen: Observations, promised: Promises, verdict: Verdict) -> None:
    expected = {(item.queue, item.message_id): item for item in promised.dead_letters}
    found: Counter[tuple[str, str]] = Counter()
    for letter in seen.dead_letters:
        key = (letter.queue, letter.message_id or "")
        wanted = expected.get(key)
        if wanted is None:
            verdict.broken(
                f"unexpected dead letter in {letter.queue}: {letter.message_id} "
                f"({letter.reason}: {(letter.detail or '')[:200]})"
            )
            continue
        found[key] += 1
        if letter.reason != wanted.reason or not (letter.detail or "").startswith(
            wanted.detail_prefix or ""
        ):
            verdict.broken(
                f"dead letter {letter.message_id} in {letter.queue}: {letter.reason} "
                f"({letter.detail}), expected {wanted.reason} ({wanted.detail_prefix})"
            )
    for key in expected.keys() - found.keys():
        verdict.broken(f"poison {key[1]} is not in the dead letters of {key[0]}")
    verdict.figures["dead_letters"] = len(seen.dead_letters)
    # A poison dead-lettered twice (its consumer died between the dead-letter queue's
    # confirm and the ack): at least once, as everything else.
    verdict.figures["dead_letter_copies"] = sum(count - 1 for count in found.values())


def _judge_neighbours(seen: Observations, promised: Promises, verdict: Verdict) -> None:
    for event_id in sorted(promised.neighbours):
        count = seen.journaled_neighbours.get(event_id, 0)
        if count != 1:
            verdict.broken(f"neighbour {event_id} of a poison applied {count} times, not 1")
    for event_id in sorted(seen.journaled_neighbours.keys() - promised.neighbours):
        verdict.broken(f"neighbour {event_id} applied, never published")
    verdict.figures["neighbours"] = sum(seen.journaled_neighbours.values())
