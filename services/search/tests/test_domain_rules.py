"""Pure rules: how ``q`` is searched, where a stream resumes, what the journal keeps,
the cursor's fingerprint."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from search.domain.filters import IncidentFilters
from search.domain.incident import merge
from search.domain.journal import journal_record
from search.domain.projection import record_from_declaration, record_from_ticket
from search.domain.replay import fold_events
from search.domain.resume import ResumeKind, ResumePlan, resume_plan
from search.domain.search_text import search_text
from search.domain.status import IncidentStatus
from search.streaming.subscription import FeedRow, Lagging, Subscription
from ticketing_common.events import new_event
from ticketing_common.reference import TicketStatus

from .factories import declared_data, ticket_updated


@pytest.mark.parametrize(
    ("raw", "part", "number"),
    [
        ("vpn", "%vpn%", None),
        ("  VPN   Lyon ", "%VPN Lyon%", None),
        ("hs", None, None),
        ("1234", "%1234%", "%1234%"),
        ("INC0001234", "%INC0001234%", "%INC0001234%"),
        ("inc", "%inc%", "%inc%"),
        ("12", None, None),
        ("100%", "%100\\%%", None),
        ("a_b", "%a\\_b%", None),
    ],
)
def test_how_a_search_text_is_searched(raw: str, part: str | None, number: str | None) -> None:
    text = search_text(raw)
    assert text is not None
    assert (text.part_pattern, text.ticket_number_pattern) == (part, number)


def test_blank_search_text_searches_nothing() -> None:
    assert search_text("   ") is None


@pytest.mark.parametrize(
    ("last", "purged", "head", "plan"),
    [
        (None, 0, 10, ResumePlan(ResumeKind.LIVE)),
        (4, 0, 10, ResumePlan(ResumeKind.REPLAY, after=4, until=10)),
        (10, 0, 10, ResumePlan(ResumeKind.REPLAY, after=10, until=10)),
        (4, 4, 10, ResumePlan(ResumeKind.REPLAY, after=4, until=10)),
        (3, 4, 10, ResumePlan(ResumeKind.RESET)),
        (11, 0, 10, ResumePlan(ResumeKind.RESET)),
    ],
)
def test_where_a_stream_resumes(last: int | None, purged: int, head: int, plan: ResumePlan) -> None:
    assert resume_plan(last, purged_through=purged, head=head) == plan


def test_the_journal_reads_organization_and_ticket_from_any_shape() -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)

    def record(data: object) -> tuple[str | None, str | None]:
        entry = journal_record(
            event_id="e",
            event_type="t",
            source="s",
            subject=None,
            time=moment,
            correlation_id="c",
            envelope={"data": data},
        )
        return entry.org_id, entry.ticket_number

    assert record({"org_id": "ORG-1"}) == ("ORG-1", None)
    assert record({"ticket": {"org_id": "ORG-2", "ticket_number": "INC0000001"}}) == (
        "ORG-2",
        "INC0000001",
    )
    assert record({"org_id": 3, "ticket_number": "x" * 21}) == (None, None)
    assert record(["not", "an", "object"]) == (None, None)


def test_the_fingerprint_names_the_query_not_its_spelling() -> None:
    one = IncidentFilters(
        text=" vpn ", statuses=frozenset({IncidentStatus.NEW, IncidentStatus.CLOSED})
    )
    same = IncidentFilters(
        text="vpn", statuses=frozenset({IncidentStatus.CLOSED, IncidentStatus.NEW})
    )
    assert one.fingerprint() == same.fingerprint()
    assert one.fingerprint() != IncidentFilters(text="vpn").fingerprint()


async def test_a_subscriber_that_falls_behind_is_told_so() -> None:
    subscription = Subscription(lambda row: row.id % 2 == 0, joined_at=0, buffer=2)
    for number in range(1, 5):
        subscription.offer(FeedRow(number, {}))
    assert [(await subscription.next(0.01)) for _ in range(2)] == [FeedRow(2, {}), FeedRow(4, {})]
    assert await subscription.next(0.01) is None
    for number in range(6, 12, 2):
        subscription.offer(FeedRow(number, {}))
    with pytest.raises(Lagging):
        await subscription.next(0.01)


def test_a_replayed_batch_folds_to_what_the_consumer_would_hold() -> None:
    declared = declared_data(site_id="SITE-LYON")
    created = ticket_updated(declared, version=1)
    moved = ticket_updated(declared, version=2, status=TicketStatus.IN_PROGRESS)
    batch = [
        (event.type, event.data.model_dump_json())
        for event in (moved, new_event(declared, source="/t", correlation_id="c"), created)
    ]
    batch.append(("ticket.updated.v1", '{"ticket": {}}'))
    # A type the list is not made from: journaled, and no part of the list.
    batch.append(("site.moved.v1", '{"site_id": "SITE-LYON"}'))
    fold = fold_events(batch)
    assert fold.unreadable == 1
    [record] = fold.incidents.values()
    assert record == merge(
        merge(record_from_ticket(moved.data), record_from_declaration(declared)),
        record_from_ticket(created.data),
    )
    assert record.status is IncidentStatus.IN_PROGRESS
    assert record.declared_at == declared.declared_at
    assert list(fold.sites) == ["SITE-LYON"]
