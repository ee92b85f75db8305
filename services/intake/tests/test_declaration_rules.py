"""The declaration's rules, as pure functions (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from intake.domain.attachments import AttachmentFacts
from intake.domain.declaration import (
    CatalogView,
    ContactFacts,
    ContractFacts,
    DeclarationRequest,
    ElementFacts,
    SiteFacts,
    TimeRules,
    check_declaration,
    resolve_recipients,
)
from ticketing_common.auth.principal import Principal, Role
from ticketing_common.reference import Language

NOW = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
RULES = TimeRules(skew=timedelta(minutes=5), max_age=timedelta(days=365))

VISITOR = Principal(
    sub="u-1",
    name="Claire",
    email="claire@acme.example",
    org_id="ORG-A",
    roles=frozenset({Role.CUSTOMER_VISITOR}),
    perimeter=frozenset({"CT-1", "CT-OLD"}),
)


def catalog(**overrides: Any) -> CatalogView:
    values: dict[str, Any] = {
        "contract": ContractFacts("CT-1", "ORG-A", "active"),
        "element": ElementFacts("EL-1", "CT-1", ("eu-west-0", "eu-west-2")),
        "site": SiteFacts("SITE-1", "ORG-A"),
        "contacts": {
            "C-1": ContactFacts("C-1", "ORG-A", "Jeanne", "jeanne@acme.example", Language.FR),
            "C-2": ContactFacts("C-2", "ORG-A", "NOC", "NOC@acme.example", Language.EN),
            "C-X": ContactFacts("C-X", "ORG-B", "Other", "x@other.example", Language.EN),
        },
        "attachments": {
            "ATT-1": AttachmentFacts("ATT-1", "ORG-A"),
            "ATT-2": AttachmentFacts("ATT-2", "ORG-A"),
            "ATT-B": AttachmentFacts("ATT-B", "ORG-B"),
            "ATT-USED": AttachmentFacts("ATT-USED", "ORG-A", "DECL-0", "CT-1"),
        },
    }
    values.update(overrides)
    return CatalogView(**values)


def request(**overrides: Any) -> DeclarationRequest:
    body: dict[str, Any] = {
        "contract_id": "CT-1",
        "element_id": "EL-1",
        "region": "eu-west-0",
        "nature": "unavailable",
        "impacted_users": "one_site",
        "main_usage": "production",
        "occurred_at": "2026-11-26T16:56:00+01:00",
        "customer_reference": "VPN down in Lyon",
        "description": "Since 16:56 no user of the Lyon site reaches the VPN.",
        "site_id": "SITE-1",
    }
    body.update(overrides)
    return DeclarationRequest.model_validate(body)


def fields(errors: list[Any]) -> list[str]:
    return [error["field"] for error in errors]


def test_a_complete_declaration_passes() -> None:
    assert check_declaration(request(), VISITOR, catalog(), now=NOW, time_rules=RULES) == []


@pytest.mark.parametrize(
    ("view", "body", "field", "code"),
    [
        (catalog(contract=None), {}, "contract_id", "unknown"),
        (catalog(contract=ContractFacts("CT-1", "ORG-B", "active")), {}, "contract_id", "unknown"),
        (
            catalog(contract=ContractFacts("CT-1", "ORG-A", "expired")),
            {},
            "contract_id",
            "contract_not_active",
        ),
        (
            catalog(contract=ContractFacts("CT-1", "ORG-A", "suspended")),
            {},
            "contract_id",
            "contract_not_active",
        ),
        (catalog(element=None), {}, "element_id", "unknown"),
        (
            catalog(element=ElementFacts("EL-1", "CT-2", ("eu-west-0",))),
            {},
            "element_id",
            "unknown",
        ),
        (catalog(), {"region": None}, "region", "missing"),
        (catalog(), {"region": "us-east-1"}, "region", "unknown"),
        (catalog(), {"occurred_at": "2026-11-26T17:10:00+00:00"}, "occurred_at", "in_future"),
        (catalog(), {"occurred_at": "2024-01-01T00:00:00+00:00"}, "occurred_at", "too_old"),
        (catalog(site=SiteFacts("SITE-1", "ORG-B")), {}, "site_id", "unknown"),
        (catalog(site=None), {}, "site_id", "unknown"),
        (catalog(), {"interlocutor_id": "C-X"}, "interlocutor_id", "unknown"),
        (catalog(), {"interlocutor_id": "C-404"}, "interlocutor_id", "unknown"),
        (catalog(), {"notify": [{"contact_id": "C-X"}]}, "notify[0].contact_id", "unknown"),
        (catalog(), {"attachment_ids": ["ATT-404"]}, "attachment_ids[0]", "unknown"),
        (catalog(), {"attachment_ids": ["ATT-1", "ATT-B"]}, "attachment_ids[1]", "unknown"),
        (
            catalog(),
            {"attachment_ids": ["ATT-USED"]},
            "attachment_ids[0]",
            "already_attached",
        ),
    ],
)
def test_each_rule_names_its_field(
    view: CatalogView, body: dict[str, Any], field: str, code: str
) -> None:
    errors = check_declaration(request(**body), VISITOR, view, now=NOW, time_rules=RULES)
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]


def test_a_contract_outside_the_perimeter_reads_as_unknown() -> None:
    view = catalog(contract=ContractFacts("CT-9", "ORG-A", "active"))
    errors = check_declaration(
        request(contract_id="CT-9"), VISITOR, view, now=NOW, time_rules=RULES
    )
    assert fields(errors) == ["contract_id"]


def test_a_single_region_element_needs_no_region() -> None:
    view = catalog(element=ElementFacts("EL-1", "CT-1", ("eu-west-0",)))
    assert check_declaration(request(region=None), VISITOR, view, now=NOW, time_rules=RULES) == []


def test_a_little_clock_skew_is_allowed() -> None:
    body = request(occurred_at="2026-11-26T17:03:00+00:00")
    assert check_declaration(body, VISITOR, catalog(), now=NOW, time_rules=RULES) == []


def test_without_email_the_caller_must_name_an_interlocutor() -> None:
    caller = Principal(
        sub="u-2",
        name="No Mail",
        email=None,
        org_id="ORG-A",
        roles=frozenset({Role.CUSTOMER_VISITOR}),
        perimeter=None,
    )
    errors = check_declaration(request(), caller, catalog(), now=NOW, time_rules=RULES)
    assert fields(errors) == ["interlocutor_id"]
    assert (
        check_declaration(
            request(interlocutor_id="C-1"), caller, catalog(), now=NOW, time_rules=RULES
        )
        == []
    )


def test_recipients_default_to_the_caller_and_merge_duplicates() -> None:
    body = request(
        notify=[
            {"contact_id": "C-2"},
            {"email": "noc@ACME.example", "language": "fr"},
            {"contact_id": "C-1", "language": "en"},
            {"email": "noc@other.example", "language": "en"},
        ]
    )
    recipients = resolve_recipients(body, VISITOR, catalog())
    assert recipients.interlocutor.email == "claire@acme.example"
    assert recipients.interlocutor.language == Language.FR
    assert [(r.email, r.language) for r in recipients.notify] == [
        ("NOC@acme.example", Language.EN),
        ("jeanne@acme.example", Language.EN),
        ("noc@other.example", Language.EN),
    ]


def test_more_than_twenty_distinct_recipients_are_refused_after_merging() -> None:
    twenty = [{"email": f"p{i}@acme.example", "language": "fr"} for i in range(20)]
    duplicates = [{"email": "P0@acme.example", "language": "en"}]
    ok = request(notify=twenty + duplicates)
    assert check_declaration(ok, VISITOR, catalog(), now=NOW, time_rules=RULES) == []
    too_many = request(notify=[*twenty, {"email": "p20@acme.example", "language": "fr"}])
    errors = check_declaration(too_many, VISITOR, catalog(), now=NOW, time_rules=RULES)
    assert fields(errors) == ["notify"]


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"nature": "on_fire"}, ("nature",)),
        ({"occurred_at": "2026-11-26T16:56:00"}, ("occurred_at",)),
        ({"customer_reference": "line\nbreak"}, ("customer_reference",)),
        ({"customer_reference": "x" * 201}, ("customer_reference",)),
        ({"description": "bell\x07"}, ("description",)),
        ({"description": "   "}, ("description",)),
        ({"unexpected": 1}, ("unexpected",)),
        ({"notify": [{"email": "not-an-address", "language": "fr"}]}, ("notify", 0, "email")),
        ({"notify": [{"email": "a@acme.example"}]}, ("notify", 0)),
        (
            {"notify": [{"contact_id": "C-1", "email": "a@acme.example", "language": "fr"}]},
            ("notify", 0),
        ),
        ({"notify": [{"contact_id": "C-1", "language": "de"}]}, ("notify", 0, "language")),
        ({"attachment_ids": [f"A{i}" for i in range(11)]}, ("attachment_ids",)),
        ({"contract_id": "bad id with spaces"}, ("contract_id",)),
        ({"element_id": "E" * 101}, ("element_id",)),
        ({"region": "EU WEST"}, ("region",)),
        ({"impacted_users": "everyone"}, ("impacted_users",)),
        ({"main_usage": "fun"}, ("main_usage",)),
        ({"occurred_at": "yesterday"}, ("occurred_at",)),
        ({"occurred_at": 1764172560}, ("occurred_at",)),
        ({"description": "x" * 10001}, ("description",)),
        ({"description": "lone \ud800 surrogate"}, ("description",)),
        ({"customer_reference": "line\u2028separator"}, ("customer_reference",)),
        ({"customer_reference": "nul\x00"}, ("customer_reference",)),
        ({"onsite_contact": {"name": "J\x1b[31m"}}, ("onsite_contact", "name")),
        ({"onsite_contact": {"name": "J", "phone": "call me"}}, ("onsite_contact", "phone")),
        ({"onsite_contact": {"name": "J", "extra": 1}}, ("onsite_contact", "extra")),
        ({"interlocutor_id": "C-1\n"}, ("interlocutor_id",)),
        ({"site_id": ""}, ("site_id",)),
        (
            {"notify": [{"email": "a@acme.example", "language": "fr", "cc": True}]},
            ("notify", 0, "cc"),
        ),
        (
            {"notify": [{"email": "x" * 320 + "@acme.example", "language": "fr"}]},
            ("notify", 0, "email"),
        ),
        ({"notify": [{"contact_id": "C-1"}] * 101}, ("notify",)),
        ({"attachment_ids": ["../etc/passwd"]}, ("attachment_ids", 0)),
    ],
)
def test_malformed_bodies_are_refused_at_their_field(
    body: dict[str, Any], location: tuple[Any, ...]
) -> None:
    with pytest.raises(ValidationError) as caught:
        request(**body)
    assert location in [tuple(error["loc"]) for error in caught.value.errors()]


def test_the_fingerprint_ignores_formatting_but_not_meaning() -> None:
    assert (
        request().fingerprint()
        == request(
            description="  Since 16:56 no user of the Lyon site reaches the VPN. "
        ).fingerprint()
    )
    assert request().fingerprint() != request(description="Something else").fingerprint()


def test_files_of_the_organization_are_attached_once_each() -> None:
    body = request(attachment_ids=["ATT-1", "ATT-2", "ATT-1"])
    assert check_declaration(body, VISITOR, catalog(), now=NOW, time_rules=RULES) == []
    assert body.distinct_attachment_ids() == ["ATT-1", "ATT-2"]


def test_ten_files_at_most() -> None:
    request(attachment_ids=[f"A{i}" for i in range(10)])
    with pytest.raises(ValidationError) as caught:
        request(attachment_ids=[f"A{i}" for i in range(11)])
    assert caught.value.errors()[0]["type"] == "too_long"


def test_too_many_recipients_is_told_with_the_other_errors() -> None:
    many = [{"email": f"p{i}@acme.example", "language": "fr"} for i in range(21)]
    errors = check_declaration(
        request(notify=many, region="mars-1"), VISITOR, catalog(), now=NOW, time_rules=RULES
    )
    assert [(e["field"], e["code"]) for e in errors] == [
        ("region", "unknown"),
        ("notify", "too_many"),
    ]


def test_a_contact_named_twice_is_one_recipient() -> None:
    twenty = [{"email": f"p{i}@acme.example", "language": "fr"} for i in range(19)]
    same_contact = [{"contact_id": "C-1"}, {"contact_id": "C-1", "language": "en"}]
    body = request(
        notify=twenty + same_contact + [{"email": "JEANNE@acme.example", "language": "fr"}]
    )
    assert check_declaration(body, VISITOR, catalog(), now=NOW, time_rules=RULES) == []
    assert len(resolve_recipients(body, VISITOR, catalog()).notify) == 20


def test_an_operations_caller_declaring_has_no_organization_of_its_own() -> None:
    agent = Principal(
        sub="u-ops",
        name="Sam",
        email="sam@provider.example",
        org_id=None,
        roles=frozenset({Role.OPS_AGENT}),
        perimeter=None,
    )
    # The rules judge against the contract's organization (the route refuses agents).
    assert check_declaration(request(), agent, catalog(), now=NOW, time_rules=RULES) == []
