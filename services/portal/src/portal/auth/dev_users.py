"""The demo users of the development sign-in page.

The same people as ``ticketing_devkit.demo`` (the demo catalog's organizations and
contracts), copied here because the devkit is never installed in the portal's image.
Offered only when ``PORTAL_AUTH=development``, which production refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from ticketing_common.auth.issuer import issue_token


@dataclass(frozen=True)
class DevUser:
    key: str
    sub: str
    name: str
    email: str
    roles: tuple[str, ...]
    org: str | None = None
    perimeter: tuple[str, ...] | None = None
    locale: str = "fr"

    def token(self, *, secret: str, issuer: str, audience: str, ttl_seconds: int) -> str:
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
            audience=audience,
            ttl_seconds=ttl_seconds,
        )


DEV_USERS: tuple[DevUser, ...] = (
    DevUser(
        "customer",
        "u-acme-claire",
        "Claire Dubois",
        "claire.dubois@acme.example",
        ("customer:visitor",),
        "ORG-ACME",
        ("CT-ACME-1001", "CT-ACME-1002"),
        "fr",
    ),
    DevUser(
        "manager",
        "u-acme-marc",
        "Marc Lefèvre",
        "marc.lefevre@acme.example",
        ("customer:manager",),
        "ORG-ACME",
        ("*",),
        "fr",
    ),
    DevUser(
        "other-customer",
        "u-globex-john",
        "John Smith",
        "john.smith@globex.example",
        ("customer:visitor",),
        "ORG-GLOBEX",
        ("*",),
        "en",
    ),
    DevUser(
        "agent", "u-ops-sam", "Sam Agent", "sam.agent@provider.example", ("ops:agent",), locale="en"
    ),
    DevUser(
        "supervisor",
        "u-ops-lea",
        "Léa Superviseur",
        "lea.superviseur@provider.example",
        ("ops:agent", "ops:supervisor"),
        locale="fr",
    ),
)


def dev_user(key: str) -> DevUser | None:
    return next((user for user in DEV_USERS if user.key == key), None)
