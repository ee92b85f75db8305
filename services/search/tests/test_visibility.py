"""What each caller may see of incidents and changes: the pure rules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from search.domain.visibility import (
    Reader,
    change_view,
    incident_item,
    may_see_change,
    reader_of,
)
from ticketing_common.auth.principal import Principal, Role

AT = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)


def caller(*roles: Role, org: str | None = "ORG-1", perimeter: set[str] | None = None) -> Principal:
    return Principal(
        sub="u-1",
        name="User",
        email=None,
        org_id=org,
        roles=frozenset(roles),
        perimeter=frozenset(perimeter) if perimeter is not None else None,
    )


VISITOR = caller(Role.CUSTOMER_VISITOR, perimeter={"CT-1"})
MANAGER = caller(Role.CUSTOMER_MANAGER, perimeter={"CT-1"})
AGENT = caller(Role.OPS_AGENT, org=None)


@pytest.mark.parametrize(
    ("who", "public", "org", "contract", "org_filter", "sees"),
    [
        (VISITOR, True, "ORG-1", "CT-1", None, True),
        (VISITOR, True, "ORG-1", "CT-2", None, False),
        (VISITOR, False, "ORG-1", "CT-1", None, False),
        (VISITOR, True, "ORG-2", "CT-1", None, False),
        (VISITOR, True, "ORG-1", "CT-1", "ORG-2", False),
        (VISITOR, True, "ORG-1", "CT-1", "ORG-1", True),
        (MANAGER, True, "ORG-1", "CT-2", None, True),
        (MANAGER, False, "ORG-1", "CT-2", None, False),
        (MANAGER, True, "ORG-2", "CT-2", None, False),
        (AGENT, False, "ORG-2", "CT-9", None, True),
        (AGENT, True, "ORG-2", "CT-9", "ORG-1", False),
        (AGENT, True, "ORG-2", "CT-9", "ORG-2", True),
    ],
)
def test_which_changes_reach_whom(
    who: Principal, public: bool, org: str, contract: str, org_filter: str | None, sees: bool
) -> None:
    assert (
        may_see_change(
            who,
            kind="status_changed",
            public=public,
            org_id=org,
            contract_id=contract,
            org_filter=org_filter,
        )
        is sees
    )


def test_a_rebuild_reaches_everybody() -> None:
    for who in (VISITOR, MANAGER, AGENT):
        assert may_see_change(who, kind="rebuilt", public=True, org_id=None, contract_id=None)


def change(**values: Any) -> dict[str, Any]:
    return {
        "kind": "comment_added",
        "public": True,
        "at": AT.isoformat(),
        "actor_kind": "agent",
        "actor_sub": "u-ops",
        "actor_name": "Sam Agent",
        "comment": "Done on our side.",
        "reason": None,
        **values,
    }


def test_a_customer_never_sees_an_internal_change() -> None:
    for reader in (Reader(False, True), Reader(False, False)):
        assert change_view(change(public=False), reader) is None


def test_a_customer_sees_a_public_change_without_account_ids() -> None:
    view = change_view(change(), Reader(operations=False, sees_agent_names=True))
    assert view is not None
    assert view.comment == "Done on our side."
    assert (view.actor.kind, view.actor.name, view.actor.sub) == ("agent", "Sam Agent", None)


def test_agents_names_are_hidden_from_customers_when_the_provider_says_so() -> None:
    hidden = Reader(operations=False, sees_agent_names=False)
    view = change_view(change(), hidden)
    assert view is not None
    assert view.actor.name is None
    customer = change_view(change(actor_kind="customer", actor_name="Claire"), hidden)
    assert customer is not None
    assert customer.actor.name == "Claire"
    item = incident_item(row(assignee_sub="u-ops", assignee_name="Sam Agent"), hidden)
    assert item.assignee is not None
    assert (item.assignee.name, item.assignee.sub) == (None, None)


def test_operations_see_everything_of_a_change() -> None:
    reader = reader_of(AGENT, agent_names_for_customers=False)
    view = change_view(change(public=False, comment="internal"), reader)
    assert view is not None
    assert (view.public, view.comment, view.actor.sub, view.actor.name) == (
        False,
        "internal",
        "u-ops",
        "Sam Agent",
    )
    item = incident_item(row(assignee_sub="u-ops", assignee_name="Sam Agent"), reader)
    assert item.assignee is not None
    assert item.assignee.sub == "u-ops"


def test_a_customer_sees_the_assignee_name_when_allowed() -> None:
    reader = reader_of(VISITOR, agent_names_for_customers=True)
    item = incident_item(row(assignee_sub="u-ops", assignee_name="Sam Agent"), reader)
    assert item.assignee is not None
    assert (item.assignee.name, item.assignee.sub) == ("Sam Agent", None)


def row(**values: Any) -> dict[str, Any]:
    return {
        "declaration_id": "d-1",
        "ticket_number": "INC0000001",
        "customer_reference": "VPN",
        "status": "new",
        "priority": "P2",
        "priority_overridden": False,
        "org_id": "ORG-1",
        "contract_id": "CT-1",
        "element_id": "EL-1",
        "site_id": None,
        "region": None,
        "nature": "unavailable",
        "impacted_users": "one_site",
        "main_usage": "production",
        "occurred_at": AT,
        "declared_at": AT,
        "updated_at": AT,
        "resolved_at": None,
        "closed_at": None,
        "sla": {"response_due_at": AT.isoformat(), "paused": False},
        "assignee_sub": None,
        "assignee_name": None,
        **values,
    }
