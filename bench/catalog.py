"""The bench's customers: a catalog in intake's import format, their users' tokens,
and the declarations they send.

Every organization has two active contracts, two park elements on each, two sites
and two contacts; each user is a visitor of the whole organization. A declaration
names a contract, an element (and a region when it runs in several), a site, and one
contact to notify, so that it makes two acknowledgement emails: the declaring user's
and the contact's.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import text_corpus
from ticketing_common.auth.issuer import issue_token
from ticketing_common.reference import ImpactedUsers, MainUsage, Nature
from ticketing_common.settings import DEVELOPMENT_JWT_SECRET

CONTRACTS_PER_ORGANIZATION = 2
ELEMENTS_PER_CONTRACT = 2
SITES_PER_ORGANIZATION = 2
CONTACTS_PER_ORGANIZATION = 2
# The declaring user and the contact named in ``notify``.
EMAILS_PER_DECLARATION = 2


@dataclass(frozen=True)
class ElementChoice:
    contract_id: str
    element_id: str
    regions: tuple[str, ...]


@dataclass(frozen=True)
class Organization:
    org_id: str
    elements: tuple[ElementChoice, ...]
    site_ids: tuple[str, ...]
    contact_ids: tuple[str, ...]


@dataclass(frozen=True)
class User:
    org: Organization
    sub: str
    email: str
    token: str


def organization_id(index: int) -> str:
    return f"ORG-B{index:04d}"


def build_catalog(organizations: int, seed: int = 7) -> tuple[dict[str, Any], list[Organization]]:
    """The catalog document (``intake load-catalog``) and what declarations may name."""
    rng = random.Random(seed)
    document: dict[str, list[dict[str, Any]]] = {
        "organizations": [],
        "contracts": [],
        "elements": [],
        "sites": [],
        "contacts": [],
    }
    described: list[Organization] = []
    for index in range(organizations):
        org_id = organization_id(index)
        document["organizations"].append({"id": org_id, "name": f"Bench customer {index}"})
        elements: list[ElementChoice] = []
        for contract in range(1, CONTRACTS_PER_ORGANIZATION + 1):
            contract_id = f"CT-B{index:04d}-{contract}"
            document["contracts"].append(
                {
                    "id": contract_id,
                    "org_id": org_id,
                    "number": f"{index:04d}{contract}",
                    "label": f"Contract {contract}",
                    "status": "active",
                }
            )
            for element in range(1, ELEMENTS_PER_CONTRACT + 1):
                element_id = f"EL-B{index:04d}-{contract}-{element}"
                regions = tuple(rng.sample(text_corpus.REGIONS, rng.randint(0, 2)))
                service = rng.choice(text_corpus.SERVICES)
                document["elements"].append(
                    {
                        "id": element_id,
                        "contract_id": contract_id,
                        "label": f"{service} {element}",
                        "service_type": service,
                        "regions": list(regions),
                    }
                )
                elements.append(ElementChoice(contract_id, element_id, regions))
        site_ids: list[str] = []
        for site in range(1, SITES_PER_ORGANIZATION + 1):
            site_id = f"SITE-B{index:04d}-{site}"
            city = rng.choice(text_corpus.CITIES)
            document["sites"].append(
                {
                    "id": site_id,
                    "org_id": org_id,
                    "name": f"{city} {site}",
                    "address": f"{site} rue de la République, {city}",
                    "latitude": round(rng.uniform(43.0, 50.0), 4),
                    "longitude": round(rng.uniform(-1.5, 7.0), 4),
                }
            )
            site_ids.append(site_id)
        contact_ids: list[str] = []
        for contact in range(1, CONTACTS_PER_ORGANIZATION + 1):
            contact_id = f"C-B{index:04d}-{contact}"
            document["contacts"].append(
                {
                    "id": contact_id,
                    "org_id": org_id,
                    "name": f"Contact {contact} of {index}",
                    "email": f"contact{contact}.b{index:04d}@bench.example",
                    "language": "fr" if contact % 2 else "en",
                }
            )
            contact_ids.append(contact_id)
        described.append(Organization(org_id, tuple(elements), tuple(site_ids), tuple(contact_ids)))
    return document, described


def write_catalog(document: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False))
    return path


def build_users(
    organizations: list[Organization],
    per_organization: int,
    *,
    secret: str = DEVELOPMENT_JWT_SECRET,
    issuer: str = "ticketing-dev",
) -> list[User]:
    users: list[User] = []
    for org in organizations:
        for number in range(per_organization):
            sub = f"u-bench-{org.org_id.lower()}-{number}"
            email = f"user{number}.{org.org_id.lower()}@bench.example"
            token = issue_token(
                secret=secret,
                sub=sub,
                name=f"Bench user {number}",
                email=email,
                org=org.org_id,
                roles=("customer:visitor",),
                perimeter=("*",),
                locale="fr" if number % 2 else "en",
                issuer=issuer,
            )
            users.append(User(org, sub, email, token))
    return users


def operations_token(secret: str = DEVELOPMENT_JWT_SECRET, issuer: str = "ticketing-dev") -> str:
    return issue_token(
        secret=secret,
        sub="u-bench-ops",
        name="Bench operations",
        email="ops@bench.example",
        roles=("ops:agent",),
        issuer=issuer,
    )


def declaration_body(user: User, marker: str, rng: random.Random, now: datetime) -> dict[str, Any]:
    """A valid declaration whose customer reference carries ``marker`` (found again in
    the list and in the emails' subject)."""
    org = user.org
    element = rng.choice(org.elements)
    body: dict[str, Any] = {
        "contract_id": element.contract_id,
        "element_id": element.element_id,
        "nature": rng.choice(list(Nature)).value,
        "impacted_users": rng.choice(list(ImpactedUsers)).value,
        "main_usage": rng.choice(list(MainUsage)).value,
        "occurred_at": (now - timedelta(minutes=rng.randint(1, 600))).isoformat(),
        "customer_reference": f"{text_corpus.reference(rng)} {marker}",
        "description": text_corpus.description(rng),
        "site_id": rng.choice(org.site_ids),
        "onsite_contact": {"name": "Jeanne Martin", "phone": "+33 4 00 00 00 00"},
        "notify": [{"contact_id": rng.choice(org.contact_ids)}],
    }
    if element.regions:
        body["region"] = rng.choice(element.regions)
    return body


def utc_now() -> datetime:
    return datetime.now(UTC)
