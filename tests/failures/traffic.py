"""A stream of declarations through intake's API, sent as a careful client would.

Each declaration has its own ``Idempotency-Key`` and body, fixed for all its attempts;
it is sent again while the answer is an error of the moment (no connection, a 5xx, a
429 after its ``Retry-After``) until intake accepts it with a 202. Only what was
accepted is promised; the stream records it, with the people it must notify.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from ticketing_common.auth.issuer import issue_token
from ticketing_common.settings import DEVELOPMENT_JWT_SECRET

# Past its maximum, the stream sends one declaration every this many seconds.
TRICKLE_SECONDS = 3.0


@dataclass(frozen=True)
class Variant:
    """A kind of declaration: where, and who besides the caller is to be told."""

    name: str
    org: str
    domain: str
    contract_id: str
    element_id: str
    region: str | None
    site_id: str | None
    notify: tuple[tuple[str, str, str], ...]  # (contact_id or "", email or "", language)
    # The addresses the notify list resolves to (the demo catalog's contacts).
    notify_addresses: tuple[str, ...]


VARIANTS = (
    Variant(
        "acme-lyon", "ORG-ACME", "acme.example", "CT-ACME-1001", "EL-ACME-FE-1", "eu-west-0",
        "SITE-ACME-LYON", (("C-ACME-NOC", "", "fr"), ("", "astreinte@example.com", "en")),
        ("noc@acme.example", "astreinte@example.com"),
    ),
    # The caller named again in the list: one email all the same.
    Variant(
        "acme-vpn", "ORG-ACME", "acme.example", "CT-ACME-1002", "EL-ACME-VPN-1", None, None,
        (("C-ACME-JEANNE", "", "fr"), ("", "{caller}", "fr")),
        ("jeanne.martin@acme.example",),
    ),
    Variant(
        "globex", "ORG-GLOBEX", "globex.example", "CT-GLOBEX-2001", "EL-GLOBEX-FE-1",
        "eu-north-0", None, (("C-GLOBEX-OPS", "", "en"),), ("ops@globex.example",),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Caller:
    sub: str
    name: str
    email: str
    org: str

    def token(self) -> str:
        return issue_token(
            secret=DEVELOPMENT_JWT_SECRET,
            sub=self.sub,
            name=self.name,
            email=self.email,
            org=self.org,
            roles=["customer:manager"],
            perimeter=["*"],
            locale="fr",
        )


@dataclass(frozen=True)
class Accepted:
    declaration_id: str
    reference: str
    variant: str
    caller: str
    recipients: frozenset[str]
    attempts: int
    # time.monotonic() of the 202.
    at: float


@dataclass
class StreamFigures:
    submitted: int = 0
    attempts: int = 0
    # Why attempts had to be made again: "connect", "timeout", "503", ...
    retried: Counter[str] = field(default_factory=Counter)
    # Answers that are no error of the moment: the declaration is not accepted.
    refused: list[str] = field(default_factory=list)
    # Declarations never accepted before the stream gave up on them.
    abandoned: int = 0


def declaration_body(variant: Variant, caller: Caller, reference: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contract_id": variant.contract_id,
        "element_id": variant.element_id,
        "nature": "unavailable",
        "impacted_users": "one_site",
        "main_usage": "production",
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
        "customer_reference": reference,
        "description": "Déclaré par la suite de pannes : rien ne doit se perdre.",
        "notify": [
            {"contact_id": contact, "language": language}
            if contact
            else {"email": email.format(caller=caller.email), "language": language}
            for contact, email, language in variant.notify
        ],
    }
    if variant.region:
        body["region"] = variant.region
    if variant.site_id:
        body["site_id"] = variant.site_id
        body["onsite_contact"] = {"name": "Jeanne Martin", "phone": "+33 4 00 00 00 00"}
    return body


class DeclarationStream:
    def __init__(
        self,
        intake_url: str,
        *,
        tag: str,
        rate_per_second: float,
        concurrency: int = 8,
        users: int = 30,
        give_up_seconds: float = 300.0,
        seed: int = 0,
    ) -> None:
        self._url = f"{intake_url}/v1/declarations"
        self._tag = tag
        self._interval = 1.0 / rate_per_second
        self._slots = asyncio.Semaphore(concurrency)
        self._give_up = give_up_seconds
        self._random = random.Random(seed)
        self._callers = [
            (
                variant,
                Caller(
                    sub=f"suite-{tag}-{variant.name}-{n}",
                    name=f"Suite User {n}",
                    email=f"suite.{tag}.{variant.name}.{n}@{variant.domain}",
                    org=variant.org,
                ),
            )
            for n in range(users)
            for variant in VARIANTS
        ]
        self._tokens = {caller.sub: caller.token() for _, caller in self._callers}
        self.accepted: list[Accepted] = []
        self.figures = StreamFigures()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def last_accepted_at(self) -> float | None:
        return max((item.at for item in self.accepted), default=None)

    async def run(self, stop: asyncio.Event, minimum: int, maximum: int) -> None:
        """Submit declarations at the rate until ``stop`` is set and at least
        ``minimum`` were submitted; past ``maximum`` (a slow machine stretches the
        faults), one every few seconds, so that every fault still meets declarations
        in flight. Then wait for each to be accepted or given up."""
        async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=2.0)) as client:
            number = 0
            next_at = time.monotonic()
            while not (stop.is_set() and number >= minimum):
                await self._slots.acquire()
                number += 1
                task = asyncio.create_task(self._declare(client, number))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
                if stop.is_set() and number >= minimum:
                    break
                next_at += self._interval if number < maximum else TRICKLE_SECONDS
                delay = max(0.0, next_at - time.monotonic())
                if number < maximum:
                    await asyncio.sleep(delay)
                else:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), delay)
            if self._tasks:
                await asyncio.gather(*self._tasks)

    async def _declare(self, client: httpx.AsyncClient, number: int) -> None:
        try:
            variant, caller = self._random.choice(self._callers)
            reference = f"FS {self._tag} {number:05d}"
            body = declaration_body(variant, caller, reference)
            headers = {
                "Authorization": f"Bearer {self._tokens[caller.sub]}",
                "Idempotency-Key": uuid.uuid4().hex,
            }
            self.figures.submitted += 1
            accepted = await self._until_accepted(client, body, headers)
            if accepted is None:
                return
            declaration_id, attempts = accepted
            recipients = frozenset(
                address.lower() for address in (caller.email, *variant.notify_addresses)
            )
            self.accepted.append(
                Accepted(
                    declaration_id=declaration_id,
                    reference=reference,
                    variant=variant.name,
                    caller=caller.sub,
                    recipients=recipients,
                    attempts=attempts,
                    at=time.monotonic(),
                )
            )
        finally:
            self._slots.release()

    async def _until_accepted(
        self, client: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[str, int] | None:
        deadline = time.monotonic() + self._give_up
        wait = 0.2
        attempts = 0
        while time.monotonic() < deadline:
            attempts += 1
            self.figures.attempts += 1
            pause = wait
            try:
                response = await client.post(self._url, json=body, headers=headers)
            except httpx.TimeoutException:
                self.figures.retried["timeout"] += 1
            except httpx.TransportError as exc:
                self.figures.retried[type(exc).__name__] += 1
            else:
                if response.status_code == 202:
                    return str(response.json()["declaration_id"]), attempts
                if response.status_code == 429 or response.status_code >= 500:
                    self.figures.retried[str(response.status_code)] += 1
                    with contextlib.suppress(ValueError):
                        pause = max(pause, float(response.headers.get("Retry-After", "0")))
                else:
                    self.figures.refused.append(f"{response.status_code} {response.text[:300]}")
                    return None
            await asyncio.sleep(pause * self._random.uniform(0.8, 1.2))
            wait = min(wait * 2, 2.0)
        self.figures.abandoned += 1
        return None
