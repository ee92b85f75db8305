"""The emails of a ticket's life, as each recipient reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from notification.domain.delivery import DeliveryKind
from notification.domain.updates import email_kind_for
from notification.rendering.render import RenderedEmail
from notification.rendering.ticket_update import (
    ShownComment,
    TicketEmail,
    comment_of,
    render_ticket_email,
)
from ticketing_common.events import CloudEvent, TicketUpdatedV1
from ticketing_common.events.parts import Actor, ActorKind
from ticketing_common.events.ticket_updated import TicketSlaV1
from ticketing_common.reference import Language
from ticketing_common.reference import TicketStatus as S

from .factories import DECLARER, comment_added, declared_data, status_change, ticket_updated

PORTAL = "https://portal.example.com"
DECLARATION = declared_data(declaration_id="D-42")
LINK = "https://portal.example.com/incidents/D-42"
AT = datetime(2026, 11, 26, 17, 10, tzinfo=UTC)
EARLIER = ShownComment(
    body="We are looking at the gateway.",
    at=datetime(2026, 11, 26, 16, 30, tzinfo=UTC),
    author_kind=ActorKind.AGENT,
    author_name=None,
)


def render(
    event: CloudEvent[TicketUpdatedV1],
    language: Language,
    *,
    earlier: ShownComment | None = None,
    auto_close_after: timedelta | None = None,
    recipient_name: str | None = "Jeanne Martin",
) -> RenderedEmail:
    change = event.data.change
    kind = email_kind_for(change)
    assert kind is not None
    comment = comment_of(change)
    return render_ticket_email(
        TicketEmail(
            kind=kind,
            ticket=event.data.ticket,
            change=change,
            comment=comment,
            earlier_comment=None if comment else earlier,
            auto_close_after=auto_close_after,
        ),
        recipient_name=recipient_name,
        language=language,
        portal_base_url=PORTAL,
    )


def both_parts(email: RenderedEmail) -> tuple[str, str]:
    return email.text, email.html


def test_the_subject_is_the_same_for_every_email_of_the_incident() -> None:
    events = [
        ticket_updated(DECLARATION),
        status_change(
            DECLARATION, version=2, from_status=S.NEW, to_status=S.ACKNOWLEDGED, action="x"
        ),
        comment_added(DECLARATION, version=3, comment="Hello"),
        status_change(
            DECLARATION, version=4, from_status=S.IN_PROGRESS, to_status=S.RESOLVED, action="x"
        ),
    ]
    for language in Language:
        subjects = {render(event, language).subject for event in events}
        assert subjects == {"[INC0001234] VPN down in Lyon"}


def test_without_a_reference_the_subject_names_the_nature_and_element() -> None:
    event = ticket_updated(declared_data(customer_reference=None))
    assert render(event, Language.FR).subject == "[INC0001234] Service indisponible, EL-FE-1"
    assert render(event, Language.EN).subject == "[INC0001234] Service unavailable, EL-FE-1"


def test_the_registration_gives_the_number_and_the_service_targets() -> None:
    sla = TicketSlaV1(
        response_due_at=datetime(2026, 11, 26, 16, 56, tzinfo=UTC),
        resolution_due_at=datetime(2026, 11, 27, 0, 56, tzinfo=UTC),
    )
    french = render(ticket_updated(DECLARATION, sla=sla), Language.FR)
    english = render(ticket_updated(DECLARATION, sla=sla), Language.EN)
    for part in both_parts(french):
        assert "Bonjour Jeanne Martin," in part
        assert "enregistré sous le numéro INC0001234" in part
        assert "Nouveau" in part
        assert "VPN down in Lyon" in part
        assert "EL-FE-1 (eu-west-0)" in part
        # Shown on the customer's own clock (the offset they declared in).
        assert "26 novembre 2026 à 17:56 (UTC+01:00)" in part
        assert "27 novembre 2026 à 01:56 (UTC+01:00)" in part
        assert LINK in part
    for part in both_parts(english):
        assert "Hello Jeanne Martin," in part
        assert "registered as INC0001234" in part
        assert "Response expected by" in part
        assert "26 November 2026 at 17:56 (UTC+01:00)" in part
        assert "Nouveau" not in part
    assert '<html lang="fr">' in french.html
    assert f'<a href="{LINK}"' in english.html


def test_the_service_targets_are_not_repeated_in_later_emails() -> None:
    sla = TicketSlaV1(response_due_at=AT)
    event = status_change(
        DECLARATION,
        version=2,
        from_status=S.NEW,
        to_status=S.ACKNOWLEDGED,
        action="acknowledge",
        sla=sla,
    )
    assert "Prise en charge au plus tard" not in render(event, Language.FR).text


@pytest.mark.parametrize(
    ("to_status", "from_status", "action", "actor", "french", "english"),
    [
        (
            S.ACKNOWLEDGED,
            S.NEW,
            "acknowledge",
            None,
            "Le support a pris en compte votre incident INC0001234.",
            "The support team has acknowledged your incident INC0001234.",
        ),
        (
            S.IN_PROGRESS,
            S.ACKNOWLEDGED,
            "start",
            None,
            "Le support a commencé le traitement de votre incident INC0001234.",
            "The support team has started working on your incident INC0001234.",
        ),
        (
            S.IN_PROGRESS,
            S.RESOLVED,
            "reopen",
            DECLARER,
            "L'incident INC0001234 a été rouvert par Jeanne Martin",
            "Incident INC0001234 was reopened by Jeanne Martin",
        ),
        (
            S.IN_PROGRESS,
            S.PENDING_CUSTOMER,
            "customer_reply",
            DECLARER,
            "Jeanne Martin a répondu au support",
            "Jeanne Martin answered the support team",
        ),
        (
            S.CLOSED,
            S.RESOLVED,
            "confirm",
            DECLARER,
            "La résolution de l'incident INC0001234 a été confirmée par Jeanne Martin",
            "The resolution of incident INC0001234 was confirmed by Jeanne Martin",
        ),
        (
            S.CLOSED,
            S.RESOLVED,
            "auto_close",
            None,
            "l'incident INC0001234 a été clos automatiquement",
            "Incident INC0001234 was closed automatically",
        ),
        (
            S.CANCELLED,
            S.IN_PROGRESS,
            "cancel",
            DECLARER,
            "L'incident INC0001234 a été annulé par Jeanne Martin.",
            "Incident INC0001234 was cancelled by Jeanne Martin.",
        ),
        (
            S.NEW,
            S.ACKNOWLEDGED,
            "unheard_of",
            None,
            "Le statut de l'incident INC0001234 a changé : Nouveau.",
            "The status of incident INC0001234 has changed: New.",
        ),
    ],
)
def test_each_status_change_says_what_happened_in_words(
    to_status: S, from_status: S, action: str, actor: Actor | None, french: str, english: str
) -> None:
    overrides: dict[str, Any] = {"actor": actor} if actor else {}
    event = status_change(
        DECLARATION,
        version=5,
        from_status=from_status,
        to_status=to_status,
        action=action,
        **overrides,
    )
    french_email = render(event, Language.FR)
    english_email = render(event, Language.EN)
    assert french in french_email.text
    assert english in english_email.text
    # The HTML says the same (with a non-breaking space before French colons).
    assert french.replace(" :", "&nbsp;:") in french_email.html
    assert english in english_email.html


def test_the_request_for_information_carries_the_agent_question() -> None:
    event = status_change(
        DECLARATION,
        version=3,
        from_status=S.IN_PROGRESS,
        to_status=S.PENDING_CUSTOMER,
        action="request_info",
        comment="Could you send the VPN client's logs?\nFrom both sites.",
        at=AT,
        sla=TicketSlaV1(paused=True),
    )
    french = render(event, Language.FR)
    english = render(event, Language.EN)
    assert "besoin d'informations de votre part" in french.text
    assert "Le support a écrit le 26 novembre 2026 à 18:10 (UTC+01:00) :" in french.text
    assert "    Could you send the VPN client's logs?\n    From both sites.\n" in french.text
    assert "En attente de votre réponse" in french.text
    assert "Le délai de résolution est suspendu" in french.text
    assert "Répondre au support : " + LINK in french.text
    assert "needs information from you" in english.text
    assert "The resolution clock is paused" in english.text
    assert "Could you send the VPN client&#39;s logs?\nFrom both sites." in english.html


def test_the_resolution_says_what_the_customer_can_do_and_when_it_closes() -> None:
    event = status_change(
        DECLARATION,
        version=6,
        from_status=S.IN_PROGRESS,
        to_status=S.RESOLVED,
        action="resolve",
        comment="The gateway was restarted.",
        resolved_at=AT,
    )
    french = render(event, Language.FR, auto_close_after=timedelta(days=5))
    english = render(event, Language.EN, auto_close_after=timedelta(days=5))
    for part in both_parts(french):
        assert "a résolu l'incident INC0001234" in part
        assert "The gateway was restarted." in part
        assert "confirmez la résolution" in part
        assert "rouvrez l'incident" in part
        assert "clos automatiquement le 1 décembre 2026 à 18:10 (UTC+01:00)" in part
    for part in both_parts(english):
        assert "confirm the resolution" in part
        assert "reopen the incident" in part
        assert "closed automatically on 1 December 2026 at 18:10 (UTC+01:00)" in part


def test_without_the_delay_the_resolution_says_some_days() -> None:
    event = status_change(
        DECLARATION, version=6, from_status=S.IN_PROGRESS, to_status=S.RESOLVED, action="resolve"
    )
    assert "automatiquement au bout de quelques jours" in render(event, Language.FR).text
    assert "automatically after a few days" in render(event, Language.EN).text


def test_a_comment_names_its_customer_author_but_never_an_agent() -> None:
    by_agent = comment_added(DECLARATION, version=4, comment="On it.")
    by_customer = comment_added(DECLARATION, version=5, comment="Thanks!", actor=DECLARER)
    agent_email = render(by_agent, Language.EN)
    assert "The support team added a comment" in agent_email.text
    assert "Marc" not in agent_email.text
    assert "Marc" not in agent_email.html
    customer_email = render(by_customer, Language.FR)
    assert "Jeanne Martin a ajouté un commentaire à l'incident INC0001234." in customer_email.text
    assert "    Thanks!" in customer_email.text


def test_a_change_without_comment_repeats_the_latest_one() -> None:
    event = status_change(
        DECLARATION, version=7, from_status=S.IN_PROGRESS, to_status=S.CLOSED, action="close"
    )
    french = render(event, Language.FR, earlier=EARLIER)
    assert "Rappel du dernier commentaire" in french.text
    assert "Le support a écrit le 26 novembre 2026 à 17:30 (UTC+01:00) :" in french.text
    assert "We are looking at the gateway." in french.html
    # A change that has its own comment shows that one only.
    commented = comment_added(DECLARATION, version=8, comment="New words")
    english = render(commented, Language.EN, earlier=EARLIER)
    assert "We are looking" not in english.text
    assert "Latest comment" not in english.text


def test_line_breaks_in_reference_and_names_cannot_start_a_header_or_a_line() -> None:
    event = comment_added(
        declared_data(customer_reference="VPN down\r\nBcc: attacker@evil.example\nX-Spam: no"),
        version=4,
        comment="Hi",
        actor=Actor(kind=ActorKind.CUSTOMER, sub="u-5", name="Eve\r\nBcc: attacker@evil.example"),
    )
    for language in Language:
        email = render(event, language, recipient_name="Jeanne\nTo: attacker@evil.example")
        assert email.subject == "[INC0001234] VPN down Bcc: attacker@evil.example X-Spam: no"
        for line in email.text.splitlines():
            assert not line.startswith(("Bcc:", "To:", "X-Spam:"))
        assert "Eve Bcc: attacker@evil.example" in email.text
        assert "Jeanne To: attacker@evil.example," in email.text


def test_customer_text_is_escaped_in_html_and_cleaned_in_text() -> None:
    event = comment_added(
        declared_data(customer_reference="<b>VPN</b> & co"),
        version=4,
        comment='<script>alert("x")</script>\x1b[31m\nline two',
        actor=Actor(kind=ActorKind.CUSTOMER, name="<img src=x onerror=alert(1)>"),
    )
    email = render(event, Language.EN)
    assert "<script>" not in email.html
    assert "<img" not in email.html
    assert "<b>VPN" not in email.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;[31m\nline two" in email.html
    assert "&lt;b&gt;VPN&lt;/b&gt; &amp; co" in email.html
    assert '    <script>alert("x")</script>[31m\n    line two' in email.text
    assert "\x1b" not in email.text


@pytest.mark.parametrize("kind", [k for k in DeliveryKind if k is not DeliveryKind.ACKNOWLEDGEMENT])
def test_every_ticket_email_has_the_status_in_words_and_the_link(kind: DeliveryKind) -> None:
    events = {
        DeliveryKind.REGISTERED: ticket_updated(DECLARATION),
        DeliveryKind.STATUS_CHANGED: status_change(
            DECLARATION, version=2, from_status=S.NEW, to_status=S.ACKNOWLEDGED, action="x"
        ),
        DeliveryKind.INFORMATION_REQUESTED: status_change(
            DECLARATION,
            version=3,
            from_status=S.IN_PROGRESS,
            to_status=S.PENDING_CUSTOMER,
            action="request_info",
        ),
        DeliveryKind.RESOLVED: status_change(
            DECLARATION, version=4, from_status=S.IN_PROGRESS, to_status=S.RESOLVED, action="x"
        ),
        DeliveryKind.COMMENT_ADDED: comment_added(DECLARATION, version=5, comment="Hi"),
    }
    event = events[kind]
    assert email_kind_for(event.data.change) is kind
    status = event.data.ticket.status
    labels = {
        Language.FR: {S.NEW: "Nouveau", S.ACKNOWLEDGED: "Pris en compte"},
        Language.EN: {S.NEW: "New", S.ACKNOWLEDGED: "Acknowledged"},
    }
    for language in Language:
        email = render(event, language)
        for part in both_parts(email):
            assert LINK in part
            assert "INC0001234" in part
            if status in labels[language]:
                assert labels[language][status] in part
