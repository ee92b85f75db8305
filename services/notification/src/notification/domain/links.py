"""Links into the customer portal."""

from __future__ import annotations

from urllib.parse import quote


def incident_link(portal_base_url: str, declaration_id: str) -> str:
    """The portal page of an incident, known from its declaration on (the ticket
    number comes later, the declaration id never changes)."""
    return f"{portal_base_url.rstrip('/')}/incidents/{quote(declaration_id, safe='')}"
