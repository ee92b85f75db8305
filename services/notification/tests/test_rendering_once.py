"""An event's email rendered once per language, each recipient's name put in after:
exactly what rendering it for each recipient gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from notification.domain.delivery import DeliveryKind
from notification.domain.updates import email_kind_for
from notification.rendering.acknowledgement import (
    DeclarationFacts,
    acknowledgement_of,
    render_acknowledgement,
)
from notification.rendering.per_recipient import RenderedOnce
from notification.rendering.render import RenderedEmail, RenderFor
from notification.rendering.ticket_update import (
    TicketEmail,
    comment_of,
    render_ticket_email,
    ticket_email_of,
)
from ticketing_common.events import CloudEvent, TicketUpdatedV1
from ticketing_common.reference import Language
from ticketing_common.reference import TicketStatus as S

from .factories import comment_added, declared_data, status_change, ticket_updated

PORTAL = "https://portal.example.com"
AT = datetime(2026, 11, 26, 17, 10, tzinfo=UTC)
DECLARATION = declared_data(customer_reference='VPN <down> & "out" in Lyon')
NAMES = [
    None,
    "",
    "Jeanne Martin",
    'Zoë <b>O\'Brien</b> & "Paul"',
    "Jeanne\r\nBcc: attacker@evil.example",
    "   ",
]
CHANGES = [
    ticket_updated(DECLARATION, at=AT),
    comment_added(DECLARATION, version=2, comment="Line one\n<i>two</i> & three", at=AT),
    status_change(
        DECLARATION,
        version=3,
        from_status=S.IN_PROGRESS,
        to_status=S.RESOLVED,
        action="resolve",
        comment="Patched.",
        at=AT,
    ),
    status_change(
        DECLARATION,
        version=4,
        from_status=S.RESOLVED,
        to_status=S.CANCELLED,
        action="cancel",
        reason="Duplicate of INC0000001",
        at=AT,
    ),
]


def ticket_email(event: CloudEvent[TicketUpdatedV1]) -> TicketEmail:
    change = event.data.change
    kind = email_kind_for(change)
    assert kind is not None
    return TicketEmail(
        kind=kind,
        ticket=event.data.ticket,
        change=change,
        comment=comment_of(change),
        earlier_comment=None,
        auto_close_after=timedelta(days=5),
    )


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("event", CHANGES, ids=lambda e: e.data.change.kind.value)
def test_a_ticket_email_rendered_once_is_each_recipients_own(
    event: CloudEvent[TicketUpdatedV1], language: Language
) -> None:
    email = ticket_email(event)
    once = RenderedOnce(ticket_email_of(email, PORTAL))
    for name in NAMES:
        alone = render_ticket_email(
            email, recipient_name=name, language=language, portal_base_url=PORTAL
        )
        assert once.for_recipient(name, language) == alone, name


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("ticket_number", [None, "INC0001234"])
def test_an_acknowledgement_rendered_once_is_each_recipients_own(
    language: Language, ticket_number: str | None
) -> None:
    facts = DeclarationFacts.of(DECLARATION, ticket_number)
    once = RenderedOnce(acknowledgement_of(facts, PORTAL))
    for name in NAMES:
        alone = render_acknowledgement(
            facts, recipient_name=name, language=language, portal_base_url=PORTAL
        )
        assert once.for_recipient(name, language) == alone, name


def test_the_templates_are_rendered_once_per_language_and_once_without_a_name() -> None:
    rendered: list[tuple[Language, bool]] = []
    render = acknowledgement_of(DeclarationFacts.of(DECLARATION), PORTAL)

    def counted(language: Language, name: str | None) -> RenderedEmail:
        rendered.append((language, name is not None))
        return render(language, name)

    once = RenderedOnce(counted)
    for name, language in [
        ("Jeanne Martin", Language.FR),
        ("Paul Durand", Language.FR),
        (None, Language.FR),
        ("Noc", Language.EN),
        ("Léa", Language.FR),
    ]:
        email = once.for_recipient(name, language)
        assert name is None or name in email.text
    assert sorted(rendered) == [(Language.EN, True), (Language.FR, False), (Language.FR, True)]


def test_every_kind_greets_its_recipient_by_name() -> None:
    # A template that used the name otherwise (a filter, a subject) would need its own
    # rendering: the placeholder must come back whole in every part that names it.
    renders: list[RenderFor] = [
        acknowledgement_of(DeclarationFacts.of(DECLARATION), PORTAL),
        *(ticket_email_of(ticket_email(event), PORTAL) for event in CHANGES),
    ]
    kinds = {DeliveryKind.ACKNOWLEDGEMENT} | {ticket_email(e).kind for e in CHANGES}
    assert len(kinds) == len(renders)
    for render in renders:
        for language in Language:
            email = RenderedOnce(render).for_recipient("Zoë & Paul", language)
            assert "Zoë & Paul" in email.text
            assert "Zoë &amp; Paul" in email.html
            assert "\ue000" not in email.subject + email.text + email.html
