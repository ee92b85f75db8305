"""Which ticket changes make an email, and whose own change spares them one."""

from __future__ import annotations

import pytest

from notification.domain.authorship import author_address
from notification.domain.delivery import DeliveryKind
from notification.domain.updates import email_kind_for
from ticketing_common.events.parts import Actor, ActorKind
from ticketing_common.events.ticket_updated import ChangeKind
from ticketing_common.reference import TicketStatus as S

from .factories import AGENT, DECLARER, comment_added, declared_data, status_change, ticket_updated

DECLARATION = declared_data()


@pytest.mark.parametrize(
    ("from_status", "to_status", "action", "expected"),
    [
        (S.NEW, S.ACKNOWLEDGED, "acknowledge", DeliveryKind.STATUS_CHANGED),
        (S.ACKNOWLEDGED, S.IN_PROGRESS, "start", DeliveryKind.STATUS_CHANGED),
        (S.IN_PROGRESS, S.PENDING_CUSTOMER, "request_info", DeliveryKind.INFORMATION_REQUESTED),
        (S.PENDING_CUSTOMER, S.IN_PROGRESS, "customer_reply", DeliveryKind.STATUS_CHANGED),
        (S.IN_PROGRESS, S.RESOLVED, "resolve", DeliveryKind.RESOLVED),
        (S.RESOLVED, S.CLOSED, "confirm", DeliveryKind.STATUS_CHANGED),
        (S.RESOLVED, S.IN_PROGRESS, "reopen", DeliveryKind.STATUS_CHANGED),
        (S.RESOLVED, S.CLOSED, "auto_close", DeliveryKind.STATUS_CHANGED),
        (S.NEW, S.CANCELLED, "cancel", DeliveryKind.STATUS_CHANGED),
        # Whatever the action's name, the status says what happened.
        (S.IN_PROGRESS, S.PENDING_CUSTOMER, "something_new", DeliveryKind.INFORMATION_REQUESTED),
        (S.IN_PROGRESS, S.RESOLVED, None, DeliveryKind.RESOLVED),
        # A second request while waiting already is a request all the same.
        (
            S.PENDING_CUSTOMER,
            S.PENDING_CUSTOMER,
            "request_info",
            DeliveryKind.INFORMATION_REQUESTED,
        ),
    ],
)
def test_every_public_change_of_status_makes_its_email(
    from_status: S, to_status: S, action: str | None, expected: DeliveryKind
) -> None:
    event = status_change(
        DECLARATION, version=2, from_status=from_status, to_status=to_status, action=action or ""
    )
    change = event.data.change.model_copy(update={"action": action})
    assert email_kind_for(change) is expected


def test_the_creation_tells_the_ticket_number() -> None:
    assert email_kind_for(ticket_updated(DECLARATION).data.change) is DeliveryKind.REGISTERED


def test_a_public_comment_makes_a_comment_email() -> None:
    change = comment_added(DECLARATION, version=2, comment="On it.").data.change
    assert email_kind_for(change) is DeliveryKind.COMMENT_ADDED


@pytest.mark.parametrize(
    "event",
    [
        comment_added(DECLARATION, version=2, comment="Internal note", public=False),
        status_change(
            DECLARATION,
            version=2,
            from_status=S.NEW,
            to_status=S.ACKNOWLEDGED,
            action="acknowledge",
            public=False,
        ),
        ticket_updated(DECLARATION, public=False),
        comment_added(DECLARATION, version=2, comment="   \n  "),
        ticket_updated(DECLARATION, version=2, kind=ChangeKind.ASSIGNED, action="take"),
        ticket_updated(DECLARATION, version=2, kind=ChangeKind.PRIORITY_CHANGED),
        ticket_updated(DECLARATION, version=2, kind=ChangeKind.SLA_BREACHED),
        # A status "change" to the same status is no change.
        status_change(
            DECLARATION, version=2, from_status=S.NEW, to_status=S.NEW, action="something"
        ),
    ],
    ids=[
        "internal-comment",
        "internal-status-change",
        "internal-creation",
        "blank-comment",
        "assignment",
        "priority",
        "sla-breach",
        "same-status",
    ],
)
def test_nothing_is_sent_for_what_does_not_concern_customers(event: object) -> None:
    assert email_kind_for(event.data.change) is None  # type: ignore[attr-defined]


def test_a_status_repeated_on_another_kind_of_change_is_no_move() -> None:
    event = ticket_updated(DECLARATION, version=2, kind=ChangeKind.ASSIGNED, action="take")
    change = event.data.change.model_copy(update={"to_status": S.IN_PROGRESS})
    assert email_kind_for(change) is None


def test_a_customer_answer_that_moves_the_ticket_is_a_change_of_status() -> None:
    event = comment_added(
        DECLARATION,
        version=3,
        comment="Here are the logs.",
        actor=DECLARER,
        from_status=S.PENDING_CUSTOMER,
    )
    assert event.data.change.to_status is S.IN_PROGRESS
    assert email_kind_for(event.data.change) is DeliveryKind.STATUS_CHANGED


def test_an_assignment_with_a_public_comment_sends_the_comment() -> None:
    event = ticket_updated(
        DECLARATION, version=2, kind=ChangeKind.ASSIGNED, action="take", comment="Taken."
    )
    assert email_kind_for(event.data.change) is DeliveryKind.COMMENT_ADDED


def test_the_author_of_a_customer_change_is_named_by_address() -> None:
    actor = Actor(kind=ActorKind.CUSTOMER, sub="u-9", name="Paul", email=" Paul@Example.com ")
    event = comment_added(DECLARATION, version=2, comment="Hi", actor=actor)
    assert author_address(event.data.change, event.data.ticket) == "paul@example.com"


def test_the_declaring_user_is_recognised_without_an_address_in_the_event() -> None:
    event = comment_added(DECLARATION, version=2, comment="Hi", actor=DECLARER)
    assert author_address(event.data.change, event.data.ticket) == "jeanne.martin@example.com"


@pytest.mark.parametrize(
    "actor",
    [
        AGENT,
        Actor(kind=ActorKind.SYSTEM),
        Actor(kind=ActorKind.CUSTOMER, sub="someone-else", name="Other"),
        Actor(kind=ActorKind.CUSTOMER),
    ],
    ids=["agent", "system", "other-customer-without-address", "anonymous-customer"],
)
def test_no_author_is_left_out_when_none_can_be_named(actor: Actor) -> None:
    event = comment_added(DECLARATION, version=2, comment="Hi", actor=actor)
    assert author_address(event.data.change, event.data.ticket) is None
