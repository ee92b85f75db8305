"""The demo users of ``make run`` and the tests, and their development tokens."""

from __future__ import annotations

from dataclasses import dataclass

from ticketing_common.auth.issuer import issue_token
from ticketing_common.settings import DEVELOPMENT_JWT_SECRET


@dataclass(frozen=True)
class DemoUser:
    key: str
    sub: str
    name: str
    email: str
    roles: tuple[str, ...]
    org: str | None = None
    perimeter: tuple[str, ...] | None = None
    locale: str = "fr"

    def token(
        self,
        secret: str = DEVELOPMENT_JWT_SECRET,
        issuer: str = "ticketing-dev",
        ttl_seconds: int = 12 * 3600,
    ) -> str:
        return issue_token(
            secret=secret,
            sub=self.sub,
            name=self.name,
            email=self.email,
            org=self.org,
            roles=self.roles,
            perimeter=self.perimeter,
            locale=self.locale,
            issuer=issuer,
            ttl_seconds=ttl_seconds,
        )


# The demo catalog (deploy/demo/catalog.json) holds these organizations and contracts.
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        key="customer",
        sub="u-acme-claire",
        name="Claire Dubois",
        email="claire.dubois@acme.example",
        roles=("customer:visitor",),
        org="ORG-ACME",
        perimeter=("CT-ACME-1001", "CT-ACME-1002"),
        locale="fr",
    ),
    DemoUser(
        key="manager",
        sub="u-acme-marc",
        name="Marc Lefèvre",
        email="marc.lefevre@acme.example",
        roles=("customer:manager",),
        org="ORG-ACME",
        perimeter=("*",),
        locale="fr",
    ),
    DemoUser(
        key="other-customer",
        sub="u-globex-john",
        name="John Smith",
        email="john.smith@globex.example",
        roles=("customer:visitor",),
        org="ORG-GLOBEX",
        perimeter=("*",),
        locale="en",
    ),
    DemoUser(
        key="agent",
        sub="u-ops-sam",
        name="Sam Agent",
        email="sam.agent@provider.example",
        roles=("ops:agent",),
        locale="en",
    ),
    DemoUser(
        key="supervisor",
        sub="u-ops-lea",
        name="Léa Superviseur",
        email="lea.superviseur@provider.example",
        roles=("ops:agent", "ops:supervisor"),
        locale="fr",
    ),
    DemoUser(
        key="catalog",
        sub="u-ops-crm",
        name="CRM import",
        email="crm@provider.example",
        roles=("ops:catalog",),
        locale="en",
    ),
)


def demo_user(key: str) -> DemoUser:
    for user in DEMO_USERS:
        if user.key == key:
            return user
    raise KeyError(key)
