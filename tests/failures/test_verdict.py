"""The suite's own rules, proven able to fail: the verdict, topic routing, poison
expectations."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ticketing_common.events import IncidentDeclaredV1
from ticketing_common.messaging.consumer import EventRouter
from ticketing_common.messaging.topology import QueueSpec

from .batch_poison import poisoned_batch
from .poison import ExpectedDeadLetter, expected_dead_letters, make_poisons
from .routing import Subscriptions, refused_on_arrival, topic_matches
from .services import ChaosService
from .verdict import (
    DeadLetterSeen,
    Delivery,
    ListRow,
    Mail,
    Observations,
    Promises,
    Ticket,
    judge,
)

D1, D2 = "decl-1", "decl-2"
CLAIRE, NOC = "claire@acme.example", "noc@acme.example"


def whole() -> tuple[Observations, Promises]:
    """A settled system: two declarations, each with its ticket, row and emails."""
    deliveries = [
        Delivery(1, D1, CLAIRE, "acknowledgement", "sent", "<a1@x>"),
        Delivery(2, D1, NOC, "acknowledgement", "sent", "<a2@x>"),
        Delivery(3, D2, CLAIRE, "acknowledgement", "sent", "<a3@x>"),
        Delivery(4, D2, CLAIRE, "registered", "sent", "<a4@x>", ticket_version=1),
    ]
    seen = Observations(
        declarations={D1: "INC1", D2: "INC2"},
        tickets=[Ticket(D1, "INC1", "new", "P2"), Ticket(D2, "INC2", "new", "P3")],
        list_rows=[ListRow(D1, "INC1", "new", "P2"), ListRow(D2, "INC2", "new", "P3")],
        deliveries=deliveries,
        mails=[Mail(d.message_id, (d.recipient,)) for d in deliveries],
        unsent_outbox={"intake": 0, "ticket-store": 0},
        queue_depths={"search.events": 0},
        dead_letters=[
            DeadLetterSeen("search.events", "p-1", "rejected", "undecodable envelope: x")
        ],
    )
    promised = Promises(
        accepted={D1: frozenset({CLAIRE, NOC}), D2: frozenset({CLAIRE})},
        dead_letters=[
            ExpectedDeadLetter("search.events", "p-1", "rejected", "undecodable envelope")
        ],
        allowed_extra_copies=0,
    )
    return seen, promised


def violations(seen: Observations, promised: Promises) -> list[str]:
    return judge(seen, promised).violations


def test_a_whole_system_is_settled() -> None:
    seen, promised = whole()
    verdict = judge(seen, promised)
    assert verdict.violations == []
    assert verdict.figures["emails"] == 4
    assert verdict.figures["extra_copies"] == 0


def test_a_lost_or_doubled_ticket_is_seen() -> None:
    seen, promised = whole()
    lost = replace(seen, tickets=seen.tickets[:1])
    assert "declaration decl-2: 0 tickets, not 1" in violations(lost, promised)
    doubled = replace(seen, tickets=[*seen.tickets, Ticket(D1, "INC9", "new", "P2")])
    assert "declaration decl-1: 2 tickets, not 1" in violations(doubled, promised)


def test_intake_must_know_every_accepted_declaration_and_its_ticket() -> None:
    seen, promised = whole()
    stale = replace(seen, declarations={D1: None, D2: "INC2", "decl-x": None})
    found = violations(stale, promised)
    assert "declaration decl-1: intake knows ticket None, not INC1" in found
    assert "declaration decl-x in intake, never answered 202" in found


def test_the_list_must_show_one_row_in_its_final_state() -> None:
    seen, promised = whole()
    behind = replace(seen, list_rows=[ListRow(D1, None, "registering", None), seen.list_rows[1]])
    assert any(
        "the list shows (None, 'registering', None)" in v for v in violations(behind, promised)
    )
    doubled = replace(seen, list_rows=[*seen.list_rows, seen.list_rows[0]])
    assert "declaration decl-1: 2 rows in the list, not 1" in violations(doubled, promised)


def test_emails_lost_doubled_or_unexplained_are_seen() -> None:
    seen, promised = whole()
    unsent = replace(seen, mails=seen.mails[1:])
    assert "delivery 1 (acknowledgement) marked sent, never received" in violations(
        unsent, promised
    )
    again = replace(seen, mails=[*seen.mails, seen.mails[0]])
    assert any("extra copies of emails" in v for v in violations(again, promised))
    # One SIGKILL of notification (or database outage) may explain one copy.
    assert violations(again, replace(promised, allowed_extra_copies=1)) == []
    stray = replace(seen, mails=[*seen.mails, Mail("<zz@x>", (CLAIRE,))])
    assert any("no delivery sent it" in v for v in violations(stray, promised))
    twice = replace(
        seen, deliveries=[*seen.deliveries, Delivery(5, D1, NOC, "acknowledgement", "sent", "<b>")]
    )
    found = violations(replace(twice, mails=[*seen.mails, Mail("<b>", (NOC,))]), promised)
    assert any("2 deliveries of one email" in v for v in found)
    missing = replace(seen, deliveries=seen.deliveries[1:], mails=seen.mails[1:])
    assert any(
        "no acknowledgement for ['claire@acme.example']" in v for v in violations(missing, promised)
    )
    pending = replace(
        seen, deliveries=[replace(seen.deliveries[0], status="pending"), *seen.deliveries[1:]]
    )
    assert "delivery 1 (acknowledgement) is pending" in violations(pending, promised)


def test_leftovers_in_outboxes_and_queues_are_seen() -> None:
    seen, promised = whole()
    busy = replace(seen, unsent_outbox={"intake": 2}, queue_depths={"search.events": 5})
    found = violations(busy, promised)
    assert "intake: 2 outbox rows not published" in found
    assert "search.events: 5 messages still waiting" in found


def test_dead_letters_hold_the_poisons_and_nothing_else() -> None:
    seen, promised = whole()
    missing = replace(seen, dead_letters=[])
    assert "poison p-1 is not in the dead letters of search.events" in violations(missing, promised)
    stray = DeadLetterSeen("search.events", "e-9", "handler_failed", "RuntimeError: boom")
    extra = replace(seen, dead_letters=[*seen.dead_letters, stray])
    assert any(
        "unexpected dead letter in search.events: e-9" in v for v in violations(extra, promised)
    )
    wrong = replace(
        seen, dead_letters=[DeadLetterSeen("search.events", "p-1", "rejected", "other")]
    )
    assert any("expected rejected" in v for v in violations(wrong, promised))


def test_each_neighbour_of_a_poison_must_be_applied_once() -> None:
    seen, promised = whole()
    promised = replace(promised, neighbours=frozenset({"n-1", "n-2"}))
    applied = replace(seen, journaled_neighbours={"n-1": 1, "n-2": 1})
    assert violations(applied, promised) == []
    lost = replace(seen, journaled_neighbours={"n-1": 1})
    assert "neighbour n-2 of a poison applied 0 times, not 1" in violations(lost, promised)
    doubled = replace(seen, journaled_neighbours={"n-1": 2, "n-2": 1})
    assert "neighbour n-1 of a poison applied 2 times, not 1" in violations(doubled, promised)
    stray = replace(seen, journaled_neighbours={"n-1": 1, "n-2": 1, "n-9": 1})
    assert "neighbour n-9 applied, never published" in violations(stray, promised)


def test_topic_bindings_match_as_rabbitmq_does() -> None:
    assert topic_matches("#", "ticket.updated")
    assert topic_matches("ticket.*", "ticket.updated")
    assert topic_matches("ticket.#", "ticket")
    assert topic_matches("incident.declared", "incident.declared")
    assert not topic_matches("incident.declared", "ticket.updated")
    assert not topic_matches("ticket.*", "ticket")
    assert not topic_matches("*", "ticket.updated")


def test_poisons_are_expected_where_the_routers_refuse_them() -> None:
    typed = EventRouter()
    typed.on(IncidentDeclaredV1, _never_called)
    keeps_all = EventRouter()
    keeps_all.on_any(_never_called)
    subscriptions: Subscriptions = {
        "typed.events": (QueueSpec("typed.events", ("incident.declared", "ticket.updated")), typed),
        "journal.events": (QueueSpec("journal.events", ("#",)), keeps_all),
        "elsewhere.events": (QueueSpec("elsewhere.events", ("other.thing",)), typed),
    }
    bad_json, _binary, unknown, rejected = make_poisons("t", search_queue="journal.events")
    assert {item.queue for item in expected_dead_letters(bad_json, subscriptions)} == {
        "typed.events",
        "journal.events",
    }
    assert [item.queue for item in expected_dead_letters(unknown, subscriptions)] == [
        "typed.events"
    ]
    assert [item.queue for item in expected_dead_letters(rejected, subscriptions)] == [
        "journal.events"
    ]


def test_the_poisons_of_a_batch_reach_the_handler_and_are_expected_in_the_dead_letters() -> None:
    keeps_all = EventRouter()
    keeps_all.on_any(_never_called)
    subscriptions: Subscriptions = {
        "journal.events": (QueueSpec("journal.events", ("#",)), keeps_all)
    }
    search = ChaosService("search", 0, {}, Path("search.log"))
    batch = poisoned_batch("t", queue="journal.events", search=search)
    for poison in batch.poisons:
        # Past the decoding, into the batch's transaction: only there can a poison sink
        # a whole batch.
        assert refused_on_arrival(poison.body, keeps_all) is None
        assert expected_dead_letters(poison, subscriptions) == [
            ExpectedDeadLetter("journal.events", poison.message_id, "rejected", None)
        ]


async def _never_called(*_args: object) -> None:
    raise AssertionError("not called")
