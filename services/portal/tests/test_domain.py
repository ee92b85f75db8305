"""The portal's pure rules."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.change_detection import changed, fingerprint
from portal.domain.declaration_form import (
    MAX_NOTIFY_ROWS,
    build,
    control_for,
    draft_from_form,
    empty_draft,
    problems_from_api,
)
from portal.domain.formatting import format_datetime
from portal.domain.incident_filters import ListFilters
from portal.domain.languages import from_accept_language, negotiate
from portal.domain.lifecycle_actions import customer_actions, may_comment, operations_actions
from portal.domain.local_paths import safe_next
from portal.domain.map_projection import place, site_points
from portal.domain.notify_defaults import decode, encode
from portal.domain.pkce import PendingSignIn, code_challenge
from portal.domain.sse import EventParser, ServerEvent
from portal.domain.sse import encode as encode_event

PARIS = "Europe/Paris"


def test_pkce_challenge_is_rfc_7636_s256() -> None:
    # RFC 7636, appendix B.
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_each_sign_in_has_its_own_unguessable_values() -> None:
    first, second = PendingSignIn.start("/incidents"), PendingSignIn.start("/incidents")
    assert len({first.state, second.state, first.nonce, second.nonce}) == 4
    assert 43 <= len(first.code_verifier) <= 128
    assert first.challenge == code_challenge(first.code_verifier)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/incidents?view=all", "/incidents?view=all"),
        ("/", "/"),
        (None, "/home"),
        ("", "/home"),
        ("https://evil.example/", "/home"),
        ("//evil.example/x", "/home"),
        ("/\\evil.example", "/home"),
        ("/a\r\nSet-Cookie: x", "/home"),
        ("javascript:alert(1)", "/home"),
    ],
)
def test_only_local_paths_are_followed(value: str | None, expected: str) -> None:
    assert safe_next(value, "/home") == expected


def test_language_from_cookie_then_browser_then_french() -> None:
    assert negotiate("en", "fr-FR") == "en"
    assert negotiate("de", "en-GB,en;q=0.9") == "en"
    assert negotiate(None, "de-DE,en;q=0.5,fr;q=0.8") == "fr"
    assert negotiate(None, "de-DE") == "fr"
    assert from_accept_language("en;q=0, fr;q=0.1") == "fr"
    assert from_accept_language("en;q=bad") is None


def form(**values: str) -> dict[str, list[str]]:
    base = {
        "contract_id": "CT-ACME-1001",
        "request_type": "incident",
        "element_id": "EL-ACME-FE-1",
        "region": "eu-west-0",
        "nature": "unavailable",
        "impacted_users": "one_site",
        "main_usage": "production",
        "occurred_date": "2026-11-26",
        "occurred_time": "16:56",
        "time_zone": PARIS,
        "customer_reference": "  VPN Lyon  ",
        "description": "  Le VPN est coupé.\n",
        "interlocutor": "me",
        "idempotency_key": "portal-key",
        "notify_rows": "3",
        "notify-0-contact": "",
        "notify-0-email": "",
        "notify-1-contact": "C-ACME-NOC",
        "notify-1-language": "fr",
        "notify-2-email": "noc@example.com",
        "notify-2-language": "en",
    }
    base.update(values)
    return {key: [value] for key, value in base.items()}


def test_a_draft_becomes_the_api_body() -> None:
    draft = draft_from_form(form())
    built = build(draft, PARIS)
    assert built.problems == ()
    assert built.body == {
        "contract_id": "CT-ACME-1001",
        "element_id": "EL-ACME-FE-1",
        "region": "eu-west-0",
        "nature": "unavailable",
        "impacted_users": "one_site",
        "main_usage": "production",
        "occurred_at": "2026-11-26T16:56:00+01:00",
        "customer_reference": "VPN Lyon",
        "description": "  Le VPN est coupé.\n",
        "notify": [
            {"contact_id": "C-ACME-NOC", "language": "fr"},
            {"email": "noc@example.com", "language": "en"},
        ],
    }
    # The blank first row is not sent: the API's notify[0] is the form's row 1.
    assert built.notify_rows == (1, 2)
    assert control_for("notify[0].contact_id", built) == "notify-1-contact"
    assert control_for("notify[1].email", built) == "notify-2-email"
    assert control_for("notify[1]", built) == "notify-2-contact"


def test_optional_parts_are_sent_only_when_given() -> None:
    built = build(
        draft_from_form(
            form(
                site_id="SITE-ACME-LYON",
                onsite_name="Jeanne Martin",
                onsite_phone="+33 4 00 00 00 00",
                interlocutor="other",
                interlocutor_id="C-ACME-JEANNE",
                notify_rows="1",
                region="",
            )
            | {"attachment_id": ["a1", "a2"], "attachment_name": ["one.png", "two.pdf"]}
        ),
        PARIS,
    )
    assert built.body["site_id"] == "SITE-ACME-LYON"
    assert built.body["onsite_contact"] == {"name": "Jeanne Martin", "phone": "+33 4 00 00 00 00"}
    assert built.body["interlocutor_id"] == "C-ACME-JEANNE"
    assert built.body["attachment_ids"] == ["a1", "a2"]
    assert "region" not in built.body
    assert "notify" not in built.body


def test_what_the_portal_can_tell_before_sending() -> None:
    built = build(
        draft_from_form(
            form(occurred_date="26/11/2026", interlocutor="other", request_type="order")
        ),
        PARIS,
    )
    assert {(p.control, p.code) for p in built.problems} == {
        ("occurred_date", "date"),
        ("interlocutor_id", "missing"),
        ("request_type", "request_type"),
    }
    assert "occurred_at" not in built.body


def test_api_errors_land_at_their_controls() -> None:
    built = build(draft_from_form(form()), PARIS)
    problems = problems_from_api(
        [
            {"field": "description", "message": "required", "code": "missing"},
            {"field": "occurred_at", "message": "in the future"},
            {"field": "onsite_contact.phone", "message": "too long"},
            {"field": "attachment_ids[3]", "message": "unknown"},
            {"field": "Idempotency-Key", "message": "bad"},
        ],
        built,
    )
    assert [p.control for p in problems] == [
        "description",
        "occurred_date",
        "onsite_phone",
        "attachments",
        None,
    ]


def test_a_new_form_proposes_now_and_a_fresh_key() -> None:
    now = datetime(2026, 11, 26, 15, 56, tzinfo=UTC)
    first = empty_draft(now=now, zone_name=PARIS, language="en", contract_id="CT-1")
    second = empty_draft(now=now, zone_name=PARIS, language="en")
    assert (first["occurred_date"], first["occurred_time"]) == ("2026-11-26", "16:56")
    assert first["idempotency_key"] != second["idempotency_key"]
    assert first.notify[0].language == "en"


def test_add_a_contact_is_bounded() -> None:
    draft = draft_from_form(form(notify_rows=str(MAX_NOTIFY_ROWS)))
    assert len(draft.notify) == MAX_NOTIFY_ROWS
    assert draft.with_notify_row("fr") is draft
    assert len(draft_from_form(form(notify_rows="999")).notify) == MAX_NOTIFY_ROWS
    assert len(draft_from_form(form(notify_rows="x")).notify) == 1


@given(st.dictionaries(st.text(max_size=30), st.lists(st.text(max_size=50), max_size=3)))
def test_any_form_gives_a_draft_and_a_body(data: dict[str, list[str]]) -> None:
    built = build(draft_from_form(data), PARIS)
    assert isinstance(built.body, dict)


def test_list_filters_keep_known_values_and_ask_for_recent() -> None:
    filters = ListFilters.parse(view="recent", status="bogus", priority="P2", q=" vpn ")
    now = datetime(2026, 11, 26, tzinfo=UTC)
    params = filters.search_params(now)
    assert params["priority"] == "P2"
    assert "status" not in params
    # A search looks everywhere, whatever the tab.
    assert "from" not in params
    assert params["q"] == "vpn"
    assert ListFilters.parse(view="recent").search_params(now)["from"].startswith("2026-11-19")
    assert "from" not in ListFilters.parse(view="all").search_params(now)
    assert filters.query(view="all") == "view=all&q=vpn&priority=P2"


def test_acts_offered_follow_the_lifecycle() -> None:
    assert [a.action for a in customer_actions("resolved")] == ["confirm", "reopen"]
    assert [a.action for a in customer_actions("in_progress")] == ["cancel"]
    assert customer_actions("closed") == []
    assert [a.action for a in operations_actions("new", supervisor=False)] == [
        "acknowledge",
        "start",
        "request_info",
        "resolve",
    ]
    assert [a.action for a in operations_actions("pending_customer", supervisor=True)] == [
        "start",
        "resolve",
        "cancel",
    ]
    assert may_comment("resolved")
    assert not may_comment("cancelled")


def test_sites_are_placed_inside_the_map() -> None:
    summary = {
        "by_site": {"SITE-LYON": 2},
        "sites": [
            {
                "site_id": "SITE-LYON",
                "latitude": 45.76,
                "longitude": 4.86,
                "incidents": 2,
                "open": 1,
                "highest_open_priority": "P2",
            },
            {
                "site_id": "SITE-GONE",
                "latitude": None,
                "longitude": None,
                "incidents": 1,
                "open": 1,
                "highest_open_priority": None,
            },
        ],
    }
    catalog = [
        {"id": "SITE-LYON", "name": "Lyon", "latitude": 45.76, "longitude": 4.86},
        {"id": "SITE-PARIS", "name": "Paris", "latitude": 48.89, "longitude": 2.24},
        {"id": "SITE-RENNES", "name": "Rennes", "latitude": 48.12, "longitude": -1.62},
        {"id": "SITE-BAD", "name": "Nowhere", "latitude": 123.0, "longitude": 0.0},
    ]
    points = site_points(summary, catalog)
    assert [p.id for p in points] == ["SITE-LYON", "SITE-PARIS", "SITE-RENNES"]
    lyon = points[0]
    assert (lyon.name, lyon.open, lyon.highest_priority) == ("Lyon", 1, "P2")
    drawn = place(points)
    for placed in drawn.sites:
        assert 0 <= placed.x <= drawn.width
        assert 0 <= placed.y <= drawn.height
    by_id = {p.site.id: p for p in drawn.sites}
    # East is right, north is up.
    assert by_id["SITE-LYON"].x > by_id["SITE-PARIS"].x > by_id["SITE-RENNES"].x
    assert by_id["SITE-PARIS"].y < by_id["SITE-LYON"].y
    assert drawn.graticule


def test_one_site_sits_in_the_middle_and_none_draws_nothing() -> None:
    drawn = place(site_points({}, [{"id": "S", "name": "S", "latitude": 10, "longitude": 10}]))
    [only] = drawn.sites
    assert (only.x, only.y) == (drawn.width / 2, drawn.height / 2)
    assert place([]).sites == ()


def test_server_sent_events_are_parsed_as_the_standard_says() -> None:
    parser = EventParser()
    lines = [
        ": keep-alive",
        "",
        "id: 7",
        "event: incident",
        'data: {"a":',
        "data: 1}",
        "",
        "retry: 3000",
        "data:x",
        "",
    ]
    events = [e for e in (parser.feed(line) for line in lines) if e is not None]
    assert events == [
        ServerEvent(data='{"a":\n1}', event="incident", id="7"),
        ServerEvent(data="x", event="message", id="7"),
    ]


def test_an_event_written_cannot_smuggle_fields() -> None:
    written = encode_event(ServerEvent(data="a\nb", event="change\nid: 9", id="1\r\n2"))
    assert written == b"id: 1  2\nevent: change id: 9\ndata: a\ndata: b\n\n"


def test_changes_between_two_readings() -> None:
    before = fingerprint([{"k": "a", "s": "new"}, {"k": "b", "s": "new"}], "k", ("s",))
    after = fingerprint(
        [{"k": "c", "s": "registering"}, {"k": "a", "s": "acknowledged"}, {"k": "b", "s": "new"}],
        "k",
        ("s",),
    )
    assert changed(before, after) == ["c", "a"]


def test_notification_settings_belong_to_their_user() -> None:
    cookie = encode("u-1", [("C-ACME-NOC", "fr"), ("C-2", "en")])
    assert [(r.contact_id, r.language) for r in decode(cookie, "u-1")] == [
        ("C-ACME-NOC", "fr"),
        ("C-2", "en"),
    ]
    assert decode(cookie, "u-2") == ()
    assert decode("not base64 !", "u-1") == ()
    assert decode(encode("u-1", [("bad id!", "fr"), ("C-3", "de")]), "u-1") == ()


def test_times_read_in_the_reader_s_language_and_zone() -> None:
    zone = ZoneInfo(PARIS)
    assert format_datetime("2026-11-26T15:56:00Z", "fr", zone) == "26/11/2026 16:56"
    assert format_datetime("2026-11-26T15:56:00+00:00", "en", zone) == "26 Nov 2026, 16:56"
    assert format_datetime(None, "en", zone) == ""
    assert format_datetime("yesterday", "en", zone) == ""
