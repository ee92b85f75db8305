"""The acknowledgement: the declaration was received and is being registered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from notification.domain.delivery import DeliveryKind
from notification.domain.headers import clean_header
from notification.domain.links import incident_link
from notification.rendering.formatting import format_moment
from notification.rendering.render import RenderedEmail, RenderFor, render_email, shown_name
from ticketing_common.events import IncidentDeclaredV1
from ticketing_common.reference import NATURE_LABELS, Language, Nature


@dataclass(frozen=True)
class DeclarationFacts:
    """What the acknowledgement repeats of the declaration."""

    declaration_id: str
    customer_reference: str | None
    ticket_number: str | None
    element_id: str
    region: str | None
    nature: Nature
    occurred_at: datetime

    @classmethod
    def of(cls, data: IncidentDeclaredV1, ticket_number: str | None = None) -> DeclarationFacts:
        return cls(
            declaration_id=data.declaration_id,
            customer_reference=data.customer_reference,
            ticket_number=ticket_number,
            element_id=data.element_id,
            region=data.region,
            nature=data.nature,
            occurred_at=data.occurred_at,
        )


def render_acknowledgement(
    facts: DeclarationFacts,
    *,
    recipient_name: str | None,
    language: Language,
    portal_base_url: str,
) -> RenderedEmail:
    return acknowledgement_of(facts, portal_base_url)(language, shown_name(recipient_name))


def acknowledgement_of(facts: DeclarationFacts, portal_base_url: str) -> RenderFor:
    """The acknowledgement of ``facts``, to be rendered per language and recipient."""

    def render(language: Language, recipient_name: str | None) -> RenderedEmail:
        # One-line fields stay on one line in the body too, so that none can forge a
        # line of its own ("Ticket number: ...") under the reader's eyes.
        return render_email(
            DeliveryKind.ACKNOWLEDGEMENT.value,
            language,
            {
                "recipient_name": recipient_name,
                "reference": clean_header(facts.customer_reference or "") or None,
                "ticket_number": facts.ticket_number,
                "element": clean_header(facts.element_id),
                "region": clean_header(facts.region or "") or None,
                "nature": NATURE_LABELS[facts.nature][language],
                "occurred_at": format_moment(facts.occurred_at, language),
                "link": incident_link(portal_base_url, facts.declaration_id),
            },
        )

    return render
