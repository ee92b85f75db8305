"""The ticket's state machine: which action moves which status, for which role.

| action | who | from | to |
|---|---|---|---|
| acknowledge | agent, supervisor | new | acknowledged |
| start | agent, supervisor | new, acknowledged, pending_customer | in_progress |
| request_info | agent, supervisor | new, acknowledged, in_progress | pending_customer |
| resolve | agent, supervisor | any open status | resolved |
| confirm | customer | resolved | closed |
| reopen | customer | resolved | in_progress |
| cancel | customer, supervisor | any open status | cancelled |
| customer_reply | customer | pending_customer | in_progress |
| auto_close | system | resolved | closed |

``request_info`` and ``resolve`` speak to the customer: they need a public comment.
``cancel`` needs a reason. ``customer_reply`` is what a customer's public comment on a
``pending_customer`` ticket does, and ``auto_close`` what the periodic job does to a
``resolved`` ticket left alone: neither is requested through the transitions endpoint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ticket_store.domain.actors import OPERATIONS, ActorRole
from ticket_store.domain.refusals import Invalid, NotAllowed
from ticketing_common.reference import OPEN_STATUSES, TicketStatus

FINAL: Final = frozenset({TicketStatus.CLOSED, TicketStatus.CANCELLED})


class Action(StrEnum):
    ACKNOWLEDGE = "acknowledge"
    START = "start"
    REQUEST_INFO = "request_info"
    RESOLVE = "resolve"
    CONFIRM = "confirm"
    REOPEN = "reopen"
    CANCEL = "cancel"
    CUSTOMER_REPLY = "customer_reply"
    AUTO_CLOSE = "auto_close"


class Requirement(StrEnum):
    """What an action cannot go without; the value names the request's field."""

    PUBLIC_COMMENT = "comment"
    REASON = "reason"


@dataclass(frozen=True)
class Rule:
    roles: frozenset[ActorRole]
    sources: frozenset[TicketStatus]
    target: TicketStatus
    requires: Requirement | None = None


_CUSTOMER: Final = frozenset({ActorRole.CUSTOMER})

RULES: Final[Mapping[Action, Rule]] = {
    Action.ACKNOWLEDGE: Rule(OPERATIONS, frozenset({TicketStatus.NEW}), TicketStatus.ACKNOWLEDGED),
    Action.START: Rule(
        OPERATIONS,
        frozenset({TicketStatus.NEW, TicketStatus.ACKNOWLEDGED, TicketStatus.PENDING_CUSTOMER}),
        TicketStatus.IN_PROGRESS,
    ),
    Action.REQUEST_INFO: Rule(
        OPERATIONS,
        frozenset({TicketStatus.NEW, TicketStatus.ACKNOWLEDGED, TicketStatus.IN_PROGRESS}),
        TicketStatus.PENDING_CUSTOMER,
        Requirement.PUBLIC_COMMENT,
    ),
    Action.RESOLVE: Rule(
        OPERATIONS, OPEN_STATUSES, TicketStatus.RESOLVED, Requirement.PUBLIC_COMMENT
    ),
    Action.CONFIRM: Rule(_CUSTOMER, frozenset({TicketStatus.RESOLVED}), TicketStatus.CLOSED),
    Action.REOPEN: Rule(_CUSTOMER, frozenset({TicketStatus.RESOLVED}), TicketStatus.IN_PROGRESS),
    Action.CANCEL: Rule(
        frozenset({ActorRole.CUSTOMER, ActorRole.SUPERVISOR}),
        OPEN_STATUSES,
        TicketStatus.CANCELLED,
        Requirement.REASON,
    ),
    Action.CUSTOMER_REPLY: Rule(
        _CUSTOMER,
        frozenset({TicketStatus.PENDING_CUSTOMER}),
        TicketStatus.IN_PROGRESS,
        Requirement.PUBLIC_COMMENT,
    ),
    Action.AUTO_CLOSE: Rule(
        frozenset({ActorRole.SYSTEM}), frozenset({TicketStatus.RESOLVED}), TicketStatus.CLOSED
    ),
}

# What clients ask for through POST /v1/tickets/{number}/transitions.
REQUESTABLE: Final = frozenset(RULES) - {Action.CUSTOMER_REPLY, Action.AUTO_CLOSE}


class RefusalCode(StrEnum):
    ROLE = "role_may_not"
    STATUS = "status_does_not_allow"


@dataclass(frozen=True)
class Refusal:
    code: RefusalCode
    reason: str


def _role_refusal(action: Action, role: ActorRole) -> Refusal | None:
    rule = RULES[action]
    if role in rule.roles:
        return None
    who = " or ".join(sorted(r.value for r in rule.roles))
    return Refusal(RefusalCode.ROLE, f"a {role.value} may not {action.value}; only a {who}")


def decide(status: TicketStatus, action: Action, role: ActorRole) -> TicketStatus | Refusal:
    """The status ``action`` by ``role`` leads to from ``status``, or why not."""
    refusal = _role_refusal(action, role)
    if refusal is not None:
        return refusal
    rule = RULES[action]
    if status not in rule.sources:
        allowed = ", ".join(sorted(source.value for source in rule.sources))
        return Refusal(
            RefusalCode.STATUS,
            f"a ticket in status {status.value} cannot be moved by {action.value} "
            f"(allowed from: {allowed})",
        )
    return rule.target


def refuse_role(action: Action, role: ActorRole) -> None:
    """The state-free part of ``decide``: raise when ``role`` may never ``action``."""
    refusal = _role_refusal(action, role)
    if refusal is not None:
        raise NotAllowed(refusal.reason, code=refusal.code.value)


def next_status(status: TicketStatus, action: Action, role: ActorRole) -> TicketStatus:
    outcome = decide(status, action, role)
    if isinstance(outcome, Refusal):
        raise NotAllowed(outcome.reason, code=outcome.code.value)
    return outcome


def require_inputs(action: Action, *, comment: str | None, reason: str | None) -> None:
    """Raise when the action's owed comment or reason is missing."""
    requirement = RULES[action].requires
    if requirement is Requirement.PUBLIC_COMMENT and not comment:
        raise Invalid(
            "comment",
            f"{action.value} tells the customer something: a comment is required",
            code="comment_required",
        )
    if requirement is Requirement.REASON and not reason:
        raise Invalid("reason", f"{action.value} needs a reason", code="reason_required")
