"""``/v1/dead-letters``: a service's dead letters, for operations.

Agents and supervisors list and read them; only supervisors replay or purge, and
every replay or purge is logged with who asked. Each call works on the broker through
a connection of its own (see ``ticketing_common.dead_letters.queue``).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated, Literal

import aio_pika
from fastapi import APIRouter, Path, Query

from ticketing_common.auth.principal import Principal, Role
from ticketing_common.dead_letters.queue import (
    BrokerUnavailable,
    DeadLetterQueue,
    DeadLettersBusy,
    Outcome,
    Selection,
    open_dead_letter_queue,
)
from ticketing_common.dead_letters.views import (
    DeadLetterDetail,
    DeadLetterOutcome,
    DeadLetterPage,
    detail_of,
    outcome_of,
    summary_of,
)
from ticketing_common.logging import get_logger
from ticketing_common.messaging.topology import QueueSpec
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.web.access import CurrentPrincipal, Scope, access
from ticketing_common.web.dependencies import Runtime
from ticketing_common.web.paging import DEFAULT_LIMIT, Cursor, Limit, decode_cursor, encode_cursor
from ticketing_common.web.problems import Problem, invalid, not_found

log = get_logger(__name__)

VIEWERS = frozenset({Role.OPS_AGENT, Role.OPS_SUPERVISOR})
OPERATORS = frozenset({Role.OPS_SUPERVISOR})

router = APIRouter(prefix="/v1/dead-letters", tags=["dead letters"])

QueueName = Annotated[
    str | None,
    Query(
        max_length=200,
        description="The consuming queue (e.g. search.events); needed only when the "
        "service consumes several.",
    ),
]
Reason = Annotated[
    str | None,
    Query(
        max_length=100,
        pattern=r"^[a-z_]+$",
        description="Only the dead letters of this reason (rejected, handler_failed, "
        "delivery_limit, ...).",
    ),
]
DeadLetterId = Annotated[
    str,
    Path(
        max_length=200,
        pattern=r"^[A-Za-z0-9._:@-]+$",
        description="A dead letter's id, or the event id it carries.",
    ),
]


def _spec(runtime: ServiceRuntime, queue: str | None) -> QueueSpec:
    specs = runtime.consumed_queues
    names = ", ".join(spec.name for spec in specs)
    if queue is None:
        if len(specs) == 1:
            return specs[0]
        raise invalid("queue", f"choose one of: {names}", location="query")
    for spec in specs:
        if spec.name == queue:
            return spec
    raise invalid("queue", f"this service consumes: {names}", location="query")


@contextlib.asynccontextmanager
async def _dead_letters(runtime: ServiceRuntime, spec: QueueSpec) -> AsyncIterator[DeadLetterQueue]:
    try:
        async with open_dead_letter_queue(runtime.settings.amqp_url, spec) as queue:
            yield queue
    except BrokerUnavailable as exc:
        raise Problem(503, str(exc), slug="broker-unavailable") from exc
    except DeadLettersBusy as exc:
        raise Problem(409, str(exc), slug="dead-letters-busy") from exc
    except aio_pika.exceptions.ChannelNotFoundEntity as exc:
        raise Problem(
            503, f"{spec.dead_letter_queue} is not declared yet", slug="broker-unavailable"
        ) from exc
    except (ConnectionError, aio_pika.exceptions.AMQPConnectionError) as exc:
        raise Problem(
            503, f"the broker went away: {type(exc).__name__}", slug="broker-unavailable"
        ) from exc


def _offset(cursor: str | None) -> int:
    values = decode_cursor(cursor, 1)
    if values is None:
        return 0
    offset = values[0]
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise invalid("cursor", "not a cursor of this list", location="query")
    return offset


def _answer(outcome: Outcome, *, single: bool) -> DeadLetterOutcome:
    if single and outcome.not_found:
        raise not_found("dead letter")
    if outcome.failed and not outcome.done:
        first = next(iter(outcome.failed.values()))
        raise Problem(503, f"nothing was {outcome.action}ed: {first}", slug="broker-unavailable")
    return outcome_of(outcome)


@router.get("", **access(VIEWERS, Scope.OPERATIONS))
async def list_dead_letters(
    runtime: Runtime,
    queue: QueueName = None,
    reason: Reason = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> DeadLetterPage:
    """The dead letters waiting in the queue, oldest first, with why each died."""
    spec = _spec(runtime, queue)
    offset = _offset(cursor)
    async with _dead_letters(runtime, spec) as dead_letters:
        browse = await dead_letters.browse(offset=offset, limit=limit, reason=reason)
    return DeadLetterPage(
        queue=browse.queue,
        total=browse.total,
        items=[summary_of(letter) for letter in browse.letters],
        next_cursor=encode_cursor([offset + limit]) if browse.more else None,
    )


@router.get("/{dead_letter_id}", **access(VIEWERS, Scope.OPERATIONS))
async def show_dead_letter(
    runtime: Runtime, dead_letter_id: DeadLetterId, queue: QueueName = None
) -> DeadLetterDetail:
    """One dead letter: the reason, the original headers and the body."""
    spec = _spec(runtime, queue)
    async with _dead_letters(runtime, spec) as dead_letters:
        found = await dead_letters.find(dead_letter_id)
    if not found:
        raise not_found("dead letter")
    return detail_of(found[0])


_LOGGED = {"replay": "dead letters replayed", "purge": "dead letters purged"}


async def _act(
    runtime: ServiceRuntime,
    principal: Principal,
    queue: str | None,
    selection: Selection,
    action: Literal["replay", "purge"],
) -> DeadLetterOutcome:
    """Replay or purge the selected dead letters, log who asked, answer the outcome.
    Naming dead letters (``keys``) makes "none found" a 404."""
    spec = _spec(runtime, queue)
    async with _dead_letters(runtime, spec) as dead_letters:
        act = dead_letters.replay if action == "replay" else dead_letters.purge
        outcome = await act(selection)
    log.info(
        _LOGGED[action],
        by=principal.sub,
        queue=spec.name,
        reason=selection.reason,
        ids=outcome.done,
    )
    return _answer(outcome, single=selection.keys is not None)


@router.post("/replay", **access(OPERATORS, Scope.OPERATIONS))
async def replay_dead_letters(
    runtime: Runtime, principal: CurrentPrincipal, queue: QueueName = None, reason: Reason = None
) -> DeadLetterOutcome:
    """Send every dead letter (of ``reason``, when given) back to its queue."""
    return await _act(runtime, principal, queue, Selection(reason=reason), "replay")


@router.post("/{dead_letter_id}/replay", **access(OPERATORS, Scope.OPERATIONS))
async def replay_dead_letter(
    runtime: Runtime,
    principal: CurrentPrincipal,
    dead_letter_id: DeadLetterId,
    queue: QueueName = None,
) -> DeadLetterOutcome:
    """Send one dead letter back to its queue (all of them, if an event id names several)."""
    selection = Selection(keys=frozenset({dead_letter_id}))
    return await _act(runtime, principal, queue, selection, "replay")


@router.delete("", **access(OPERATORS, Scope.OPERATIONS))
async def purge_dead_letters(
    runtime: Runtime, principal: CurrentPrincipal, queue: QueueName = None, reason: Reason = None
) -> DeadLetterOutcome:
    """Remove every dead letter (of ``reason``, when given) for good."""
    return await _act(runtime, principal, queue, Selection(reason=reason), "purge")


@router.delete("/{dead_letter_id}", **access(OPERATORS, Scope.OPERATIONS))
async def purge_dead_letter(
    runtime: Runtime,
    principal: CurrentPrincipal,
    dead_letter_id: DeadLetterId,
    queue: QueueName = None,
) -> DeadLetterOutcome:
    """Remove one dead letter for good."""
    selection = Selection(keys=frozenset({dead_letter_id}))
    return await _act(runtime, principal, queue, selection, "purge")
