"""What every endpoint that changes a ticket shares: who acts, the store, the answers.

Refusals become problems: a ticket the caller may not see is 404; a change without the
required If-Match 428; on another version than the ticket's 412; one the rules do not
allow 409 (with the rule's ``code``); a missing or wrong input 422 naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request, Response

from ticket_store.adapters.tables import Ticket
from ticket_store.adapters.ticket_writes import StaleVersion
from ticket_store.domain.actors import Actor, actor_role
from ticket_store.domain.refusals import Invalid, NotAllowed
from ticket_store.entrypoints.api.preconditions import version_required
from ticket_store.entrypoints.api.views import (
    TicketChangedView,
    audience_of,
    history_item,
    ticket_view,
)
from ticket_store.handlers.ticket_changes import (
    ChangeRequest,
    Decision,
    TicketChanged,
    TicketNotFound,
    VersionMismatch,
    VersionRequired,
    change_ticket,
)
from ticket_store.metrics import CHANGES_REFUSED
from ticket_store.runtime import TicketStoreRuntime
from ticketing_common.auth.principal import Principal
from ticketing_common.web.problems import Problem, invalid, not_found


async def _store(request: Request) -> TicketStoreRuntime:
    # async, though it awaits nothing: FastAPI runs a plain ``def`` dependency in its
    # thread pool, a hand-off to a worker thread and back on every request.
    runtime = request.app.state.runtime
    assert isinstance(runtime, TicketStoreRuntime)
    return runtime


Store = Annotated[TicketStoreRuntime, Depends(_store)]


def actor_of(caller: Principal) -> Actor:
    role = actor_role(caller.roles)
    if role is None:
        raise Problem(403, "your roles do not allow changing tickets", slug="forbidden")
    return Actor(role=role, sub=caller.sub, name=caller.name, email=caller.email)


def stale() -> Problem:
    return Problem(
        412,
        "the ticket has changed since the version in If-Match; read it again, then decide",
        slug="version-mismatch",
    )


async def apply_change(
    store: TicketStoreRuntime,
    caller: Principal,
    ticket_number: str,
    *,
    versions: frozenset[int] | None,
    requires_version: bool,
    precheck: Callable[[], None],
    decide: Decision,
) -> TicketChanged:
    def may_see(ticket: Ticket) -> bool:
        return caller.may_see_incident(ticket.org_id, ticket.contract_id)

    request = ChangeRequest(
        ticket_number=ticket_number,
        may_see=may_see,
        versions=versions,
        version_required=requires_version,
        precheck=precheck,
        decide=decide,
    )
    try:
        return await change_ticket(store.session_factory, store.desk, request)
    except TicketNotFound as exc:
        CHANGES_REFUSED.labels("not_found").inc()
        raise not_found("ticket") from exc
    except VersionRequired as exc:
        CHANGES_REFUSED.labels("version_required").inc()
        raise version_required() from exc
    except (VersionMismatch, StaleVersion) as exc:
        CHANGES_REFUSED.labels("version_mismatch").inc()
        raise stale() from exc
    except Invalid as exc:
        CHANGES_REFUSED.labels("invalid").inc()
        raise invalid(exc.field, exc.detail, code=exc.code) from exc
    except NotAllowed as exc:
        CHANGES_REFUSED.labels("not_allowed").inc()
        raise Problem(409, exc.detail, slug="change-not-allowed", extra={"code": exc.code}) from exc


def changed_view(
    changed: TicketChanged, caller: Principal, store: TicketStoreRuntime, response: Response
) -> TicketChangedView:
    audience = audience_of(caller, store.store_settings)
    response.headers["ETag"] = f'"{changed.ticket.version}"'
    return TicketChangedView(
        ticket=ticket_view(changed.ticket, audience),
        change=history_item(changed.entry, audience),
    )
