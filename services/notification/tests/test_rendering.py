"""The acknowledgement as each recipient reads it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from notification.domain.delivery import DeliveryKind
from notification.domain.headers import clean_header
from notification.rendering.acknowledgement import DeclarationFacts, render_acknowledgement
from notification.rendering.environment import template_environment
from notification.rendering.formatting import format_moment
from ticketing_common.reference import Language, Nature

from .factories import OCCURRED_AT, declared_data

PORTAL = "https://portal.example.com/"


def facts(**overrides: object) -> DeclarationFacts:
    data = declared_data(declaration_id="D-42")
    return replace(DeclarationFacts.of(data), **overrides)  # type: ignore[arg-type]


def test_french_acknowledgement_repeats_the_declaration() -> None:
    email = render_acknowledgement(
        facts(), recipient_name="Jeanne Martin", language=Language.FR, portal_base_url=PORTAL
    )
    assert email.subject == "Déclaration d'incident reçue – VPN down in Lyon"
    for part in (email.text, email.html):
        assert "Bonjour Jeanne Martin," in part
        assert "bien reçu" in part
        assert "enregistrement" in part
        assert "VPN down in Lyon" in part
        assert "EL-FE-1 (eu-west-0)" in part
        assert "Service indisponible" in part
        assert "26 novembre 2026 à 16:56 (UTC+01:00)" in part
        assert "https://portal.example.com/incidents/D-42" in part
    assert '<html lang="fr">' in email.html
    assert '<a href="https://portal.example.com/incidents/D-42"' in email.html


def test_english_acknowledgement_uses_english_labels() -> None:
    email = render_acknowledgement(
        facts(), recipient_name=None, language=Language.EN, portal_base_url=PORTAL
    )
    assert email.subject == "Incident declaration received – VPN down in Lyon"
    for part in (email.text, email.html):
        assert "Hello," in part
        assert "Service unavailable" in part
        assert "26 November 2026 at 16:56 (UTC+01:00)" in part
        assert "Service indisponible" not in part
    assert '<html lang="en">' in email.html


def test_the_ticket_number_is_in_the_subject_once_known() -> None:
    email = render_acknowledgement(
        facts(ticket_number="INC0001234"),
        recipient_name=None,
        language=Language.EN,
        portal_base_url=PORTAL,
    )
    assert email.subject == "[INC0001234] Incident declaration received – VPN down in Lyon"
    assert "Ticket number: INC0001234" in email.text


def test_without_a_reference_the_subject_names_the_nature_and_element() -> None:
    email = render_acknowledgement(
        facts(customer_reference=None, nature=Nature.DEGRADED, region=None),
        recipient_name=None,
        language=Language.FR,
        portal_base_url=PORTAL,
    )
    assert email.subject == "Déclaration d'incident reçue – Service dégradé, EL-FE-1"
    assert "Votre référence" not in email.text
    assert "Élément concerné : EL-FE-1\n" in email.text


def test_line_breaks_in_the_reference_and_the_name_cannot_start_a_header() -> None:
    email = render_acknowledgement(
        facts(customer_reference="VPN down\r\nBcc: attacker@evil.example\nX-Spam: no"),
        recipient_name="Jeanne\r\nBcc: attacker@evil.example",
        language=Language.EN,
        portal_base_url=PORTAL,
    )
    assert "\r" not in email.subject
    assert "\n" not in email.subject
    assert email.subject.endswith("VPN down Bcc: attacker@evil.example X-Spam: no")
    # In the body too the one-line fields stay on one line: no forged "Bcc:" line.
    assert not any(line.startswith("Bcc:") for line in email.text.splitlines())
    assert "Hello Jeanne Bcc: attacker@evil.example," in email.text


def test_customer_text_is_escaped_in_html_and_left_alone_in_text() -> None:
    email = render_acknowledgement(
        facts(customer_reference='<script>alert("x")</script> & <b>co</b>'),
        recipient_name="<img src=x onerror=alert(1)>",
        language=Language.FR,
        portal_base_url=PORTAL,
    )
    assert "<script>" not in email.html
    assert "<img" not in email.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;co&lt;/b&gt;" in (
        email.html
    )
    assert '<script>alert("x")</script> & <b>co</b>' in email.text


def test_the_link_quotes_the_declaration_id() -> None:
    email = render_acknowledgement(
        facts(declaration_id='a/b"c'),
        recipient_name=None,
        language=Language.EN,
        portal_base_url="https://portal.example.com",
    )
    assert "https://portal.example.com/incidents/a%2Fb%22c" in email.text
    assert 'href="https://portal.example.com/incidents/a%2Fb%22c"' in email.html


@pytest.mark.parametrize(
    ("moment", "language", "expected"),
    [
        (OCCURRED_AT, Language.FR, "26 novembre 2026 à 16:56 (UTC+01:00)"),
        (
            datetime(2026, 3, 1, 8, 5, tzinfo=timezone(-timedelta(hours=3, minutes=30))),
            Language.EN,
            "1 March 2026 at 08:05 (UTC-03:30)",
        ),
        (datetime(2026, 8, 15, 0, 0, tzinfo=UTC), Language.FR, "15 août 2026 à 00:00 (UTC+00:00)"),
        (datetime(2026, 8, 15, 0, 0), Language.EN, "15 August 2026 at 00:00 (UTC)"),
    ],
)
def test_moments_are_written_in_the_reader_language(
    moment: datetime, language: Language, expected: str
) -> None:
    assert format_moment(moment, language) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("a\r\nBcc: b", "a Bcc: b"),
        ("a\nb\rc\td", "a b c d"),
        ("a\u2028b\u2029c\x85d\x00e", "a b c d e"),
        ("  spaced   out  ", "spaced out"),
    ],
)
def test_clean_header_keeps_a_value_on_one_line(value: str, expected: str) -> None:
    assert clean_header(value) == expected


@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("kind", list(DeliveryKind))
def test_every_kind_of_email_has_its_three_parts_in_every_language(
    kind: DeliveryKind, language: Language
) -> None:
    # Loaded through the package, as an installed wheel loads them.
    for part in ("subject", "txt", "html"):
        assert template_environment().get_template(f"{language.value}/{kind.value}.{part}.j2")
