"""An incident as its pages show it: the declaration, the ticket once it exists, its
timeline, each read with the user's token (so a stranger gets the services' 404)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from portal.clients.base import JSON, ApiError
from portal.web.pages import Page

TICKET_NUMBER = re.compile(r"^INC\d{7}$")
DECLARATION_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


class IncidentNotFound(Exception):
    pass


@dataclass
class IncidentView:
    reference: str
    declaration_id: str | None
    declaration: JSON | None
    ticket: JSON | None
    history: list[JSON] = field(default_factory=list)

    @property
    def number(self) -> str | None:
        if self.ticket is not None:
            return str(self.ticket["ticket_number"])
        if self.declaration is not None and self.declaration.get("ticket_number"):
            return str(self.declaration["ticket_number"])
        return None

    @property
    def status(self) -> str:
        return str(self.ticket["status"]) if self.ticket is not None else "registering"

    @property
    def facts(self) -> JSON:
        """What was declared: the ticket's copy, else the accepted declaration."""
        if self.ticket is not None:
            return self.ticket
        if self.declaration is not None:
            accepted = self.declaration.get("declaration")
            return accepted if isinstance(accepted, dict) else {}
        return {}

    @property
    def attachment_ids(self) -> list[str]:
        ids = self.facts.get("attachment_ids") or []
        return [str(i) for i in ids if isinstance(i, str)]


async def load_incident(page: Page, reference: str) -> IncidentView:
    upstreams = page.portal.upstreams
    declaration: JSON | None = None
    ticket: JSON | None = None
    try:
        if TICKET_NUMBER.match(reference):
            ticket = await upstreams.tickets.ticket(page.token, reference)
        elif DECLARATION_ID.match(reference):
            declaration = await upstreams.intake.declaration(page.token, reference)
            number = declaration.get("ticket_number")
            if number:
                ticket = await upstreams.tickets.ticket(page.token, str(number))
        else:
            raise IncidentNotFound(reference)
    except ApiError as exc:
        if exc.status in (404, 422):
            raise IncidentNotFound(reference) from exc
        raise
    view = IncidentView(
        reference=reference,
        declaration_id=str((ticket or declaration or {}).get("declaration_id") or "") or None,
        declaration=declaration,
        ticket=ticket,
    )
    if view.number is not None and ticket is not None:
        view.history = await upstreams.tickets.history(page.token, view.number)
    return view
