"""``ticketing-token``: print a development token, so nobody hand-crafts a JWT.

    ticketing-token --demo customer
    ticketing-token --sub u-1 --name "Alice" --org ORG-ACME --roles customer:visitor \
        --perimeter CT-ACME-1001
"""

from __future__ import annotations

import argparse
import os

from ticketing_common.auth.issuer import issue_token
from ticketing_common.settings import DEVELOPMENT_JWT_SECRET
from ticketing_devkit.demo import DEMO_USERS, demo_user


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--demo", choices=[user.key for user in DEMO_USERS])
    parser.add_argument("--sub")
    parser.add_argument("--name")
    parser.add_argument("--email")
    parser.add_argument("--org")
    parser.add_argument("--roles", nargs="*", default=[])
    parser.add_argument("--perimeter", nargs="*", help="contract ids, or * for all")
    parser.add_argument("--locale", choices=["fr", "en"])
    parser.add_argument("--ttl", type=int, default=12 * 3600, help="seconds")
    args = parser.parse_args(argv)
    secret = os.environ.get("AUTH_JWT_SECRET", DEVELOPMENT_JWT_SECRET)
    issuer = os.environ.get("AUTH_JWT_ISSUER", "ticketing-dev")
    if args.demo:
        print(demo_user(args.demo).token(secret=secret, issuer=issuer, ttl_seconds=args.ttl))
        return
    if not args.sub:
        parser.error("give --demo or --sub")
    print(
        issue_token(
            secret=secret,
            sub=args.sub,
            name=args.name or args.sub,
            email=args.email,
            org=args.org,
            roles=args.roles,
            perimeter=args.perimeter,
            locale=args.locale,
            issuer=issuer,
            ttl_seconds=args.ttl,
        )
    )


if __name__ == "__main__":
    main()
