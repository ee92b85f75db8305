"""Which incident rows a caller may see, and which they asked for, as SQL conditions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, Text, and_, func, literal, literal_column, or_, true
from sqlalchemy.dialects.postgresql import REGCONFIG

from search.adapters.tables import Incident
from search.domain.filters import IncidentFilters, recent_since
from search.domain.search_text import LIKE_ESCAPE, SearchText, search_text
from search.domain.status import CLOSED_INCIDENT_STATUSES, OPEN_INCIDENT_STATUSES
from ticketing_common.auth.principal import Principal
from ticketing_common.auth.sql_scope import contract_condition

# The text search configurations of migration 0002: unaccent, then French or English
# stemming. Constants, never the caller's text.
_FRENCH = literal_column("'public.search_fr'::regconfig", REGCONFIG)
_ENGLISH = literal_column("'public.search_en'::regconfig", REGCONFIG)


def visible_to(caller: Principal, org: str | None) -> ColumnElement[bool]:
    """Operations see every organization (or the one they name); a manager their own
    organization; a visitor the contracts of their perimeter. A customer naming another
    organization sees nothing, as if it did not exist. The shared rule, so the list
    never drifts from what ``Principal.may_see_incident`` answers (and the stream uses)."""
    return contract_condition(caller, Incident.org_id, Incident.contract_id, org)


def text_matches(text: SearchText) -> ColumnElement[bool]:
    """See ``domain/search_text.py``: words in either language, part of the reference,
    part of the ticket number. Each branch has its index; PostgreSQL ORs their bitmaps."""
    words = literal(text.words, Text)
    query = func.websearch_to_tsquery(_FRENCH, words).op("||")(
        func.websearch_to_tsquery(_ENGLISH, words)
    )
    branches: list[ColumnElement[bool]] = [Incident.search_document.bool_op("@@")(query)]
    if text.part_pattern is not None:
        branches.append(
            func.search_fold(Incident.customer_reference).like(
                func.search_fold(literal(text.part_pattern, Text)), escape=LIKE_ESCAPE
            )
        )
    if text.ticket_number_pattern is not None:
        branches.append(
            Incident.ticket_number.ilike(
                literal(text.ticket_number_pattern, Text), escape=LIKE_ESCAPE
            )
        )
    return or_(*branches)


def matching(filters: IncidentFilters, now: datetime) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    text = search_text(filters.text) if filters.text is not None else None
    if text is not None:
        conditions.append(text_matches(text))
    if filters.statuses:
        conditions.append(Incident.status.in_(sorted(filters.statuses)))
    if filters.open is not None:
        wanted = OPEN_INCIDENT_STATUSES if filters.open else CLOSED_INCIDENT_STATUSES
        conditions.append(Incident.status.in_(sorted(wanted)))
    if filters.contract_ids:
        conditions.append(Incident.contract_id.in_(sorted(filters.contract_ids)))
    if filters.element_ids:
        conditions.append(Incident.element_id.in_(sorted(filters.element_ids)))
    if filters.site_ids:
        conditions.append(Incident.site_id.in_(sorted(filters.site_ids)))
    if filters.priorities:
        conditions.append(Incident.priority.in_(sorted(filters.priorities)))
    if filters.occurred_from is not None:
        conditions.append(Incident.occurred_at >= filters.occurred_from)
    if filters.occurred_to is not None:
        conditions.append(Incident.occurred_at < filters.occurred_to)
    if filters.recent:
        conditions.append(Incident.updated_at >= recent_since(now))
    return and_(true(), *conditions)


def selection(caller: Principal, filters: IncidentFilters, now: datetime) -> ColumnElement[bool]:
    return visible_to(caller, filters.org_id) & matching(filters, now)
