"""What each caller may see: which changes reach them, and which fields of an incident
and of a change. Kept in one place and spelled out field by field, so nothing internal
reaches a customer by accident.

- A customer sees incidents of their organization (a visitor: of their perimeter) and
  only public changes; an internal change (a note between agents) never reaches them,
  not even as the fact that something happened.
- Of a change, a customer sees what it did, its public comment and reason, and who made
  it by kind and name (an agent's name only if the provider shows agents' names); never
  anyone's account id.
- Operations see every change of every organization, with account ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from search.domain.changes import ChangeKind
from search.domain.views import ActorView, AssigneeView, ChangeView, IncidentItem, SlaView
from ticketing_common.auth.principal import Principal

AGENT = "agent"


@dataclass(frozen=True)
class Reader:
    operations: bool
    # Whether agents' names are shown (always to operations; to customers if the
    # provider allows it).
    sees_agent_names: bool


def reader_of(caller: Principal, *, agent_names_for_customers: bool) -> Reader:
    if caller.is_operations:
        return Reader(operations=True, sees_agent_names=True)
    return Reader(operations=False, sees_agent_names=agent_names_for_customers)


def may_see_change(
    caller: Principal,
    *,
    kind: str,
    public: bool,
    org_id: str | None,
    contract_id: str | None,
    org_filter: str | None = None,
) -> bool:
    """Whether a change of the log reaches this caller's stream (``org_filter``: the
    one organization they asked for)."""
    if kind == ChangeKind.REBUILT.value:
        return True
    if org_id is None or contract_id is None:
        return False
    if caller.is_operations:
        return org_filter is None or org_id == org_filter
    if not public:
        return False
    if org_filter is not None and org_filter != caller.org_id:
        return False
    return caller.may_see_incident(org_id, contract_id)


def incident_item(values: Mapping[str, Any], reader: Reader) -> IncidentItem:
    """The list's line for this reader, from a row (or its JSON in the change log)."""
    sla = values.get("sla")
    return IncidentItem(
        declaration_id=values["declaration_id"],
        ticket_number=values["ticket_number"],
        customer_reference=values["customer_reference"],
        status=values["status"],
        priority=values["priority"],
        priority_overridden=bool(values.get("priority_overridden", False)),
        org_id=values["org_id"],
        contract_id=values["contract_id"],
        element_id=values["element_id"],
        site_id=values["site_id"],
        region=values["region"],
        nature=values["nature"],
        impacted_users=values["impacted_users"],
        main_usage=values["main_usage"],
        occurred_at=values["occurred_at"],
        declared_at=values.get("declared_at"),
        updated_at=values["updated_at"],
        resolved_at=values.get("resolved_at"),
        closed_at=values.get("closed_at"),
        sla=SlaView.model_validate(sla) if sla else None,
        assignee=_assignee(values.get("assignee_sub"), values.get("assignee_name"), reader),
    )


def _assignee(sub: str | None, name: str | None, reader: Reader) -> AssigneeView | None:
    if sub is None and name is None:
        return None
    return AssigneeView(
        name=name if reader.sees_agent_names else None,
        sub=sub if reader.operations else None,
    )


def change_view(change: Mapping[str, Any], reader: Reader) -> ChangeView | None:
    """What this reader may see of a change; None if they may not see it at all."""
    public = bool(change["public"])
    if not public and not reader.operations:
        return None
    actor_kind = change.get("actor_kind")
    name_shown = reader.sees_agent_names or actor_kind != AGENT
    return ChangeView(
        kind=change["kind"],
        public=public,
        at=change["at"],
        actor=ActorView(
            kind=actor_kind,
            name=change.get("actor_name") if name_shown else None,
            sub=change.get("actor_sub") if reader.operations else None,
        ),
        action=change.get("action"),
        from_status=change.get("from_status"),
        to_status=change.get("to_status"),
        from_priority=change.get("from_priority"),
        to_priority=change.get("to_priority"),
        comment=change.get("comment"),
        reason=change.get("reason"),
    )
