"""Query parameters an operation does not know are refused, not ignored.

A misspelt filter (``?contrat=CT-1``) silently ignored would answer the whole list as
if it had been applied; a 422 naming the parameter tells the client at once. The check
runs after authentication (it depends on the principal), so an anonymous caller still
learns nothing but 401.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from ticketing_common.web.access import CurrentPrincipal
from ticketing_common.web.problems import FieldError, invalid_fields

_KNOWN: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _known_for(route: APIRoute) -> frozenset[str]:
    known = _KNOWN.get(id(route))
    if known is None:
        known = _KNOWN[id(route)] = frozenset(_query_names(route.dependant))
    return known


async def refuse_unknown_query_parameters(request: Request, _caller: CurrentPrincipal) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _known_for(route)
    unknown = [name for name in dict.fromkeys(request.query_params) if name not in known]
    if unknown:
        raise invalid_fields(
            [
                FieldError(
                    name[:100],
                    f"unknown query parameter; this operation takes {sorted(known) or 'none'}",
                    location="query",
                    code="unknown_parameter",
                )
                for name in unknown[:10]
            ]
        )
