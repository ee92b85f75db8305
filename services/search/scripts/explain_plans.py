"""``EXPLAIN (ANALYZE, BUFFERS)`` of the service's own statements over a loaded
database: the list, the search (its probe, then the plan the probe chose), the
summary, the journal."""

from __future__ import annotations

from typing import Any

import asyncpg
from scale_history import NOW  # type: ignore[import-not-found]
from sqlalchemy import Select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from search.adapters.incident_queries import (
    BITMAP_ONLY,
    ListPosition,
    has_many_matches,
    list_statement,
    probe_statement,
    summary_statement,
)
from search.adapters.journal import journal_statement
from search.domain.filters import IncidentFilters
from search.domain.journal_filters import JournalFilters
from search.domain.status import IncidentStatus
from ticketing_common.auth.principal import Principal, Role
from ticketing_common.reference import Priority


def principal(
    roles: set[Role], org: str | None = None, perimeter: set[str] | None = None
) -> Principal:
    return Principal(
        sub="u-bench",
        name="Bench",
        email=None,
        org_id=org,
        roles=frozenset(roles),
        perimeter=frozenset(perimeter) if perimeter is not None else None,
    )


def first_page(caller: Principal, filters: IncidentFilters) -> Select[Any]:
    return list_statement(caller, filters, now=NOW, after=None, limit=50)


async def explain(
    engine: AsyncEngine, title: str, statement: Select[Any], *, off: tuple[str, ...] = ()
) -> str:
    """The plan of ``statement`` as the service runs it (``off``: planner settings the
    service turns off for it)."""
    compiled = statement.compile(
        dialect=engine.dialect, compile_kwargs={"render_postcompile": True}
    )
    parameters = compiled.construct_params()
    positional = tuple(parameters[name] for name in compiled.positiontup or ())
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver: asyncpg.Connection[Any] = raw.driver_connection  # type: ignore[assignment]
        async with driver.transaction():
            for setting in off:
                await driver.execute(f"SET LOCAL {setting} = off")
            # Once to warm the caches, as a running service's would be.
            await driver.fetch(str(compiled), *positional)
            plan = await driver.fetch(
                f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {compiled}", *positional
            )
    lines = "\n".join(row[0] for row in plan)
    return f"### {title}\n\n```\n{lines}\n```\n"


async def explain_search(engine: AsyncEngine, title: str, caller: Principal, q: str) -> str:
    """The probe, then the page in the plan it chose, as ``list_incidents`` does."""
    filters = IncidentFilters(text=q)
    async with engine.connect() as connection:
        session = AsyncSession(bind=connection)
        many = await has_many_matches(session, caller, filters, now=NOW)
        await session.close()
    probe = await explain(
        engine,
        f"{title}: the probe (bitmap scans only)",
        probe_statement(caller, filters, now=NOW),
        off=BITMAP_ONLY,
    )
    chosen = "many matches: walking the list's order" if many else "few: sorting them all"
    page = await explain(
        engine,
        f"{title}: the page ({chosen})",
        list_statement(caller, filters, now=NOW, after=None, limit=50, few_matches=not many),
    )
    return probe + "\n" + page


async def _facts(engine: AsyncEngine) -> dict[str, Any]:
    async with engine.connect() as connection:
        largest = (
            await connection.execute(
                text(
                    "SELECT org_id, count(*) AS n FROM incidents "
                    "GROUP BY org_id ORDER BY n DESC LIMIT 1"
                )
            )
        ).one()
        contracts = set(
            (
                await connection.execute(
                    text(
                        "SELECT contract_id FROM incidents WHERE org_id = :org "
                        "GROUP BY contract_id ORDER BY count(*) DESC LIMIT 2"
                    ),
                    {"org": largest.org_id},
                )
            ).scalars()
        )
        deep = (
            await connection.execute(
                text(
                    "SELECT updated_at, declaration_id FROM incidents WHERE org_id = :org "
                    "ORDER BY updated_at DESC, declaration_id DESC OFFSET :deep LIMIT 1"
                ),
                {"org": largest.org_id, "deep": min(5000, largest.n // 2)},
            )
        ).one()
        story = (
            await connection.execute(
                text(
                    "SELECT correlation_id, ticket_number FROM event_journal "
                    "WHERE ticket_number IS NOT NULL ORDER BY seq DESC LIMIT 1"
                )
            )
        ).one()
        totals = (
            await connection.execute(text("SELECT count(*), count(DISTINCT org_id) FROM incidents"))
        ).one()
        events = await connection.scalar(text("SELECT count(*) FROM event_journal"))
    return {
        "largest": largest,
        "contracts": contracts,
        "deep": deep,
        "story": story,
        "totals": totals,
        "events": events,
    }


async def explain_all(engine: AsyncEngine) -> str:
    facts = await _facts(engine)
    largest, deep, story = facts["largest"], facts["deep"], facts["story"]
    manager = principal({Role.CUSTOMER_MANAGER}, largest.org_id, {"*"})
    visitor = principal({Role.CUSTOMER_VISITOR}, largest.org_id, facts["contracts"])
    agent = principal({Role.OPS_AGENT})
    pending_p1 = IncidentFilters(
        statuses=frozenset({IncidentStatus.PENDING_CUSTOMER}), priorities=frozenset({Priority.P1})
    )
    queries: list[tuple[str, Select[Any]]] = [
        (
            f"A manager's list, first page (the largest organization: {largest.n} incidents)",
            first_page(manager, IncidentFilters()),
        ),
        (
            "The same list, 100 pages deep (keyset cursor)",
            list_statement(
                manager,
                IncidentFilters(),
                now=NOW,
                after=ListPosition(deep.updated_at, deep.declaration_id),
                limit=50,
            ),
        ),
        (
            "A visitor's open incidents on two contracts",
            first_page(visitor, IncidentFilters(open=True)),
        ),
        (
            "A manager's recent incidents (last 7 days)",
            first_page(manager, IncidentFilters(recent=True)),
        ),
        ("Operations, every organization, first page", first_page(agent, IncidentFilters())),
        ("Operations: P1 incidents pending the customer", first_page(agent, pending_p1)),
        (
            "Summary of the largest organization",
            summary_statement(manager, IncidentFilters(), now=NOW),
        ),
        (
            "Summary of everything (operations)",
            summary_statement(agent, IncidentFilters(), now=NOW),
        ),
        (
            "Journal: every event of one declaration",
            journal_statement(
                JournalFilters(correlation_id=story.correlation_id), after_seq=None, limit=50
            ),
        ),
        (
            "Journal: the story of one ticket number (its correlation ids read first)",
            journal_statement(
                JournalFilters(ticket_number=story.ticket_number),
                after_seq=None,
                limit=50,
                ticket_correlations=[story.correlation_id],
            ),
        ),
    ]
    totals = facts["totals"]
    parts = [
        f"{totals[0]} incidents in {totals[1]} organizations, {facts['events']} journaled events.\n"
    ]
    for title, statement in queries:
        parts.append(await explain(engine, title, statement))
    searches = [
        ("Words in a manager's organization", manager, "serveurs injoignables"),
        ("Words everywhere (operations)", agent, "backup failed"),
        ("A word found nowhere (operations)", agent, "hyperviseur"),
        ("Part of a ticket number (operations)", agent, "12345"),
        ("Part of a reference in an organization", manager, "grenob"),
    ]
    for title, caller, q in searches:
        parts.append(await explain_search(engine, f"{title}: q={q}", caller, q))
    return "\n".join(parts)
