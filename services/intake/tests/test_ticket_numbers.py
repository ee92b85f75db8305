"""The ticket numbers a run of ``ticket.updated`` events brings, recorded in one
statement through intake's consumer route."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, select

from intake.adapters.tables import Declaration
from ticketing_common.events import CloudEvent, TicketUpdatedV1, new_event
from ticketing_common.events.parts import Actor, ActorKind, Person, Recipient
from ticketing_common.events.ticket_updated import ChangeKind, TicketChangeV1, TicketSnapshotV1
from ticketing_common.reference import (
    ImpactedUsers,
    Language,
    MainUsage,
    Nature,
    Priority,
    TicketStatus,
)
from ticketing_devkit.service_testing import ServiceUnderTest as Intake

from .test_declarations_api import declaration, key, post

START = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)


def ticket_updated(
    declaration_id: str, number: str, version: int, created_at: datetime = START
) -> CloudEvent[TicketUpdatedV1]:
    ticket = TicketSnapshotV1(
        ticket_number=number,
        declaration_id=declaration_id,
        org_id="ORG-ACME",
        contract_id="CT-ACME-1001",
        element_id="EL-ACME-FE-1",
        nature=Nature.UNAVAILABLE,
        impacted_users=ImpactedUsers.ONE_SITE,
        main_usage=MainUsage.PRODUCTION,
        priority=Priority.P2,
        status=TicketStatus.NEW,
        description="d",
        occurred_at=created_at,
        declared_by=Person(sub="u", name="u"),
        interlocutor=Recipient(email="a@b.example", language=Language.FR),
        created_at=created_at,
        updated_at=created_at + timedelta(minutes=version),
        version=version,
    )
    change = TicketChangeV1(
        kind=ChangeKind.CREATED if version == 1 else ChangeKind.COMMENT_ADDED,
        actor=Actor(kind=ActorKind.SYSTEM),
        public=True,
        at=ticket.updated_at,
    )
    return new_event(
        TicketUpdatedV1(ticket=ticket, version=version, change=change),
        source="/tests",
        correlation_id=declaration_id,
    )


async def numbers(intake: Intake, ids: list[str]) -> dict[str, tuple[str | None, Any]]:
    async with intake.runtime.session_factory() as session:
        rows = await session.execute(
            select(Declaration.id, Declaration.ticket_number, Declaration.registered_at).where(
                Declaration.id.in_(ids)
            )
        )
        return {row.id: (row.ticket_number, row.registered_at) for row in rows}


async def apply(intake: Intake, events: list[CloudEvent[TicketUpdatedV1]]) -> list[str]:
    """As the consumer applies a run of events: its route, in one transaction. Returns
    the statements the route ran."""
    ((_queue, router),) = intake.runtime.subscriptions
    route = router.route_for(TicketUpdatedV1.event_type)
    assert route is not None
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    async with intake.runtime.session_factory.begin() as session:
        connection = (await session.connection()).sync_connection
        assert connection is not None
        event.listen(connection, "before_cursor_execute", record)
        await route.apply(session, events)
    return statements


async def test_a_run_of_ticket_updates_is_recorded_in_one_statement(intake: Intake) -> None:
    ids = [(await post(intake, declaration(), key())).json()["declaration_id"] for _ in range(3)]
    later = START + timedelta(hours=1)
    run = [
        ticket_updated(ids[0], "INC0000101", 1),
        ticket_updated(ids[1], "INC0000102", 1, created_at=later),
        ticket_updated(ids[0], "INC0000101", 2),
        ticket_updated(ids[2], "INC0000103", 1),
    ]
    assert len(await apply(intake, run)) == 1
    assert await numbers(intake, ids) == {
        ids[0]: ("INC0000101", START),
        ids[1]: ("INC0000102", later),
        ids[2]: ("INC0000103", START),
    }


async def test_the_first_number_a_declaration_is_given_stays(intake: Intake) -> None:
    declaration_id = (await post(intake, declaration(), key())).json()["declaration_id"]
    await apply(intake, [ticket_updated(declaration_id, "INC0000201", 1)])
    # In one run or in the next, a later event does not change it.
    await apply(
        intake,
        [
            ticket_updated(declaration_id, "INC0000299", 1, created_at=START + timedelta(days=1)),
            ticket_updated(declaration_id, "INC0000298", 2),
        ],
    )
    assert await numbers(intake, [declaration_id]) == {declaration_id: ("INC0000201", START)}


async def test_in_one_run_the_first_event_of_a_declaration_counts(intake: Intake) -> None:
    declaration_id = (await post(intake, declaration(), key())).json()["declaration_id"]
    await apply(
        intake,
        [ticket_updated(declaration_id, "INC0000301", 1), ticket_updated(declaration_id, "X", 2)],
    )
    assert await numbers(intake, [declaration_id]) == {declaration_id: ("INC0000301", START)}
