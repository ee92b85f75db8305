"""The state machine over every status × action × role: the new status, or the refusal.

The allowed moves are written out here by hand, from the contract, rather than read
from the module under test: a rule changed by mistake in one place fails here.
"""

from __future__ import annotations

from itertools import product
from typing import get_args

import pytest

from ticket_store.domain.actors import ActorRole, actor_role
from ticket_store.domain.lifecycle import (
    REQUESTABLE,
    RULES,
    Action,
    Refusal,
    RefusalCode,
    Requirement,
    decide,
    require_inputs,
)
from ticket_store.domain.refusals import Invalid
from ticket_store.entrypoints.api.transitions import RequestableAction
from ticketing_common.auth.principal import Role
from ticketing_common.reference import TicketStatus as S

A = Action
CUSTOMER, AGENT, SUPERVISOR, SYSTEM = (
    ActorRole.CUSTOMER,
    ActorRole.AGENT,
    ActorRole.SUPERVISOR,
    ActorRole.SYSTEM,
)
OPS = (AGENT, SUPERVISOR)
OPEN = (S.NEW, S.ACKNOWLEDGED, S.IN_PROGRESS, S.PENDING_CUSTOMER)

# (status, action, role) -> the status it leads to. Everything else is refused.
ALLOWED: dict[tuple[S, Action, ActorRole], S] = {
    **{(S.NEW, A.ACKNOWLEDGE, role): S.ACKNOWLEDGED for role in OPS},
    **{
        (status, A.START, role): S.IN_PROGRESS
        for status in (S.NEW, S.ACKNOWLEDGED, S.PENDING_CUSTOMER)
        for role in OPS
    },
    **{
        (status, A.REQUEST_INFO, role): S.PENDING_CUSTOMER
        for status in (S.NEW, S.ACKNOWLEDGED, S.IN_PROGRESS)
        for role in OPS
    },
    **{(status, A.RESOLVE, role): S.RESOLVED for status in OPEN for role in OPS},
    (S.RESOLVED, A.CONFIRM, CUSTOMER): S.CLOSED,
    (S.RESOLVED, A.REOPEN, CUSTOMER): S.IN_PROGRESS,
    **{(status, A.CANCEL, role): S.CANCELLED for status in OPEN for role in (CUSTOMER, SUPERVISOR)},
    (S.PENDING_CUSTOMER, A.CUSTOMER_REPLY, CUSTOMER): S.IN_PROGRESS,
    (S.RESOLVED, A.AUTO_CLOSE, SYSTEM): S.CLOSED,
}

# The roles that may ever take each action, whatever the status.
MAY_EVER: dict[Action, set[ActorRole]] = {}
for (_status, _action, _role), _target in ALLOWED.items():
    MAY_EVER.setdefault(_action, set()).add(_role)

CASES = list(product(S, Action, ActorRole))


def test_the_table_covers_every_status_action_and_role() -> None:
    assert len(CASES) == 7 * 9 * 4
    assert set(MAY_EVER) == set(Action)


@pytest.mark.parametrize(
    ("status", "action", "role"),
    CASES,
    ids=[f"{s.value}-{a.value}-{r.value}" for s, a, r in CASES],
)
def test_each_status_action_and_role(status: S, action: Action, role: ActorRole) -> None:
    outcome = decide(status, action, role)
    expected = ALLOWED.get((status, action, role))
    if expected is not None:
        assert outcome == expected
        return
    assert isinstance(outcome, Refusal)
    if role in MAY_EVER[action]:
        # The role may take this action, not from this status.
        assert outcome.code is RefusalCode.STATUS
        assert status.value in outcome.reason
    else:
        assert outcome.code is RefusalCode.ROLE
        assert role.value in outcome.reason
    assert action.value in outcome.reason


def test_final_statuses_are_final() -> None:
    for status, action, role in CASES:
        if status in (S.CLOSED, S.CANCELLED):
            assert isinstance(decide(status, action, role), Refusal)


def test_the_owed_comments_and_reasons() -> None:
    owed = {action: rule.requires for action, rule in RULES.items() if rule.requires}
    assert owed == {
        A.REQUEST_INFO: Requirement.PUBLIC_COMMENT,
        A.RESOLVE: Requirement.PUBLIC_COMMENT,
        A.CUSTOMER_REPLY: Requirement.PUBLIC_COMMENT,
        A.CANCEL: Requirement.REASON,
    }
    with pytest.raises(Invalid) as missing_comment:
        require_inputs(A.RESOLVE, comment=None, reason="because")
    assert missing_comment.value.field == "comment"
    with pytest.raises(Invalid) as missing_reason:
        require_inputs(A.CANCEL, comment="a comment is not a reason", reason=None)
    assert missing_reason.value.field == "reason"
    require_inputs(A.ACKNOWLEDGE, comment=None, reason=None)
    require_inputs(A.REOPEN, comment=None, reason=None)


def test_the_endpoint_offers_exactly_the_requestable_actions() -> None:
    assert set(get_args(RequestableAction)) == {action.value for action in REQUESTABLE}
    assert A.CUSTOMER_REPLY not in REQUESTABLE
    assert A.AUTO_CLOSE not in REQUESTABLE


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ({Role.CUSTOMER_VISITOR}, CUSTOMER),
        ({Role.CUSTOMER_MANAGER}, CUSTOMER),
        ({Role.OPS_AGENT}, AGENT),
        ({Role.OPS_AGENT, Role.OPS_SUPERVISOR}, SUPERVISOR),
        ({Role.OPS_SUPERVISOR}, SUPERVISOR),
        ({Role.OPS_CATALOG}, None),
        # Operations staff never act as a customer, whatever else they hold.
        ({Role.OPS_CATALOG, Role.CUSTOMER_MANAGER}, None),
        (set(), None),
    ],
)
def test_roles_fold_into_lifecycle_roles(roles: set[Role], expected: ActorRole | None) -> None:
    assert actor_role(frozenset(roles)) == expected
