"""Objects of ORG-ACME for the access probe, and how to name them in a request.

Every path parameter and every operation with a body needs an entry here: a new
endpoint without one fails the access test with a message pointing at this file.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class AcmeObjects:
    """Created by the probe: one declaration on a contract of the demo visitor's
    perimeter (CT-ACME-1001), one on a contract outside it (CT-ACME-1003)."""

    declaration_in_perimeter: str
    ticket_in_perimeter: str
    declaration_outside: str
    ticket_outside: str
    attachment_in_perimeter: str
    attachment_outside: str


def path_values(objects: AcmeObjects, *, outside: bool) -> dict[str, str]:
    return {
        "declaration_id": objects.declaration_outside
        if outside
        else objects.declaration_in_perimeter,
        "ticket_number": objects.ticket_outside if outside else objects.ticket_in_perimeter,
        "org_id": "ORG-ACME",
        "contract_id": "CT-ACME-1003" if outside else "CT-ACME-1001",
        "element_id": "EL-ACME-BKP-1" if outside else "EL-ACME-FE-1",
        "site_id": "SITE-ACME-LYON",
        "contact_id": "C-ACME-JEANNE",
        "attachment_id": objects.attachment_outside if outside else objects.attachment_in_perimeter,
        # No such dead letter: operations are refused or answered 404, never a 5xx.
        "dead_letter_id": "0000000000000000",
        # No such delivery either: a resend is refused or answered 404, and no email goes.
        "delivery_id": "999999999",
    }


# Operations whose body names objects of ORG-ACME: another organization, or a visitor
# outside the perimeter, must be refused (404, or 422 "unknown").
NAMES_OBJECTS_IN_BODY: frozenset[tuple[str, str]] = frozenset({("post", "/v1/declarations")})


def declaration_body(
    contract_id: str, element_id: str, attachment_ids: list[str] | None = None
) -> dict[str, Any]:
    return {
        "contract_id": contract_id,
        "element_id": element_id,
        "region": "eu-west-0",
        "nature": "unavailable",
        "impacted_users": "one_site",
        "main_usage": "production",
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "customer_reference": "Access probe",
        "description": "Created by the access probe.",
        "attachment_ids": attachment_ids or [],
    }


BodyFactory = Callable[[AcmeObjects, bool], dict[str, Any]]

BODIES: dict[tuple[str, str], BodyFactory] = {
    ("post", "/v1/declarations"): lambda _o, outside: declaration_body(
        "CT-ACME-1003" if outside else "CT-ACME-1001",
        "EL-ACME-BKP-1" if outside else "EL-ACME-FE-1",
    ),
    # JSON where a file is expected: admitted callers get 415, the others 401/403.
    ("post", "/v1/attachments"): lambda _o, _out: {},
    ("post", "/v1/tickets/{ticket_number}/transitions"): lambda _o, _out: {"action": "acknowledge"},
    ("post", "/v1/tickets/{ticket_number}/comments"): lambda _o, _out: {
        "body": "Access probe",
        "visibility": "public",
    },
    ("post", "/v1/tickets/{ticket_number}/assignment"): lambda _o, _out: {"action": "take"},
    ("post", "/v1/tickets/{ticket_number}/priority"): lambda _o, _out: {
        "priority": "P3",
        "reason": "Access probe",
    },
    ("put", "/v1/catalog/organizations/{org_id}"): lambda _o, _out: {"name": "Acmé Industries"},
    ("put", "/v1/catalog/contracts/{contract_id}"): lambda _o, _out: {
        "org_id": "ORG-ACME",
        "number": "1001",
        "label": "Cloud public Flexible Engine",
        "status": "active",
    },
    ("put", "/v1/catalog/elements/{element_id}"): lambda _o, _out: {
        "contract_id": "CT-ACME-1001",
        "label": "Flexible Engine production",
        "service_type": "Flexible Engine",
        "regions": ["eu-west-0", "eu-west-2"],
    },
    ("put", "/v1/catalog/sites/{site_id}"): lambda _o, _out: {
        "org_id": "ORG-ACME",
        "name": "Lyon Part-Dieu",
        "address": "129 rue Servient, 69003 Lyon",
        "latitude": 45.7606,
        "longitude": 4.859,
    },
    ("put", "/v1/catalog/contacts/{contact_id}"): lambda _o, _out: {
        "org_id": "ORG-ACME",
        "name": "Jeanne Martin",
        "email": "jeanne.martin@acme.example",
        "phone": "+33 4 72 00 00 01",
        "language": "fr",
    },
}

# Headers some operations require besides the token.
HEADERS: dict[tuple[str, str], Callable[[], dict[str, str]]] = {
    ("post", "/v1/declarations"): lambda: {"Idempotency-Key": uuid.uuid4().hex},
}


def markers_of_acme(objects: AcmeObjects) -> tuple[str, ...]:
    """What must never appear in an answer to another organization's customer."""
    return (
        "ORG-ACME",
        "CT-ACME",
        "acme.example",
        objects.declaration_in_perimeter,
        objects.declaration_outside,
        objects.ticket_in_perimeter,
        objects.ticket_outside,
        objects.attachment_in_perimeter,
        objects.attachment_outside,
    )


def markers_outside_perimeter(objects: AcmeObjects) -> tuple[str, ...]:
    """What must never appear in an answer to a visitor of CT-ACME-1001 and 1002."""
    return (
        "CT-ACME-1003",
        "EL-ACME-BKP-1",
        objects.declaration_outside,
        objects.ticket_outside,
        objects.attachment_outside,
    )
