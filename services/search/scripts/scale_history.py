"""A provider's history of incidents, as the events that made it, for the journal.

Organizations have Zipf-like sizes (a few large, many small), French or English texts,
several contracts, sites with coordinates; statuses follow age (old incidents are over,
recent ones being worked, a few still registering). Each incident is an
``incident.declared.v1`` with its site, a ``ticket.updated.v1`` at creation, one at its
last public change, and sometimes an internal note. The same seed gives the same events.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from ticketing_common.db.engine import asyncpg_dsn
from ticketing_common.events import IncidentDeclaredV1, TicketUpdatedV1
from ticketing_common.events.ticket_updated import ChangeKind
from ticketing_common.reference import (
    ImpactedUsers,
    Language,
    MainUsage,
    Nature,
    Priority,
    TicketStatus,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
HISTORY = timedelta(days=3 * 365)
CITIES = (
    ("Lyon", 45.76, 4.84),
    ("Paris", 48.86, 2.35),
    ("Marseille", 43.30, 5.37),
    ("Toulouse", 43.60, 1.44),
    ("Nantes", 47.22, -1.55),
    ("Rennes", 48.11, -1.68),
    ("Lille", 50.63, 3.06),
    ("Bordeaux", 44.84, -0.58),
    ("Strasbourg", 48.57, 7.75),
    ("Nice", 43.70, 7.27),
    ("Grenoble", 45.19, 5.72),
    ("Montpellier", 43.61, 3.88),
    ("Dijon", 47.32, 5.04),
    ("Brest", 48.39, -4.49),
    ("London", 51.51, -0.13),
    ("Dublin", 53.35, -6.26),
    ("Madrid", 40.42, -3.70),
    ("Brussels", 50.85, 4.35),
    ("Amsterdam", 52.37, 4.90),
    ("Frankfurt", 50.11, 8.68),
)
HOSTS = ("compta", "paie", "crm", "erp", "web", "mail", "db", "files", "backup", "ad", "k8s")
FRENCH_REFERENCES = (
    "VPN {city} coupé",
    "Serveur {host} injoignable",
    "Lenteurs de la messagerie à {city}",
    "Sauvegarde de {host} en échec",
    "Téléphonie HS sur le site de {city}",
    "Accès internet dégradé à {city}",
    "Base de données {host} saturée",
    "Impression impossible à {city}",
    "Certificat expiré sur {host}",
    "Perte de paquets entre {city} et {other}",
)
ENGLISH_REFERENCES = (
    "VPN down in {city}",
    "Server {host} unreachable",
    "Slow mail in {city}",
    "Backup of {host} failed",
    "Phones dead at the {city} office",
    "Degraded internet access in {city}",
    "Database {host} is full",
    "Cannot print in {city}",
    "Expired certificate on {host}",
    "Packet loss between {city} and {other}",
)
FRENCH_SENTENCES = (
    "Depuis ce matin, aucun utilisateur du site de {city} n'atteint le serveur {host}.",
    "Les applications métier répondent avec plusieurs secondes de délai.",
    "Le problème est apparu après la maintenance de la nuit dernière.",
    "Les équipes de {city} ne peuvent plus travailler et les clients attendent.",
    "Nous avons redémarré les postes sans amélioration.",
    "Les connexions sont coupées toutes les dix minutes environ.",
    "La sauvegarde de la nuit s'est arrêtée avec une erreur de disque.",
)
ENGLISH_SENTENCES = (
    "Since this morning no user of the {city} site reaches the {host} server.",
    "Business applications answer with several seconds of delay.",
    "The problem started after last night's maintenance window.",
    "The {city} teams cannot work and customers are waiting.",
    "We restarted the workstations without any improvement.",
    "Connections drop roughly every ten minutes.",
    "The nightly backup stopped with a disk error.",
)
PRIORITY = {
    (ImpactedUsers.ALL_USERS, MainUsage.PRODUCTION): Priority.P1,
    (ImpactedUsers.SEVERAL_SITES, MainUsage.PRODUCTION): Priority.P1,
    (ImpactedUsers.ONE_SITE, MainUsage.PRODUCTION): Priority.P2,
    (ImpactedUsers.SEVERAL_USERS, MainUsage.PRODUCTION): Priority.P2,
    (ImpactedUsers.ONE_USER, MainUsage.PRODUCTION): Priority.P3,
}
AGENT = {"kind": "agent", "sub": "u-ops-bench", "name": "Bench Agent"}
NATURES = [nature.value for nature in Nature]
IMPACTS = [impact.value for impact in ImpactedUsers]
USAGES = [usage.value for usage in MainUsage]
JOURNAL_COLUMNS = [
    "event_id",
    "type",
    "source",
    "subject",
    "time",
    "correlation_id",
    "org_id",
    "ticket_number",
    "envelope",
]


@dataclass(frozen=True)
class Organization:
    org_id: str
    language: Language
    contracts: list[str]
    sites: list[tuple[str, str, float, float]]
    size: int


def organizations(count: int, incidents: int, rng: random.Random) -> list[Organization]:
    weights = [1 / (rank + 5) for rank in range(count)]
    total = sum(weights)
    sizes = [max(1, round(incidents * weight / total)) for weight in weights]
    sizes[0] += incidents - sum(sizes)
    result = []
    for index, size in enumerate(sizes):
        contracts = 1 + min(19, size // 2000) + rng.randint(0, 2)
        sites = []
        for number in range(rng.randint(1, 10)):
            city, latitude, longitude = rng.choice(CITIES)
            sites.append(
                (
                    f"SITE-{index:04d}-{number}",
                    f"{city} {number + 1}",
                    round(latitude + rng.uniform(-0.05, 0.05), 4),
                    round(longitude + rng.uniform(-0.05, 0.05), 4),
                )
            )
        result.append(
            Organization(
                org_id=f"ORG-{index:04d}",
                language=Language.FR if rng.random() < 0.7 else Language.EN,
                contracts=[f"CT-{index:04d}-{n}" for n in range(contracts)],
                sites=sites,
                size=size,
            )
        )
    return result


def final_status(age: timedelta, rng: random.Random) -> TicketStatus | None:
    """None: still registering."""
    roll = rng.random()
    if age < timedelta(hours=1) and roll < 0.3:
        return None
    if age > timedelta(days=30):
        return TicketStatus.CLOSED if roll < 0.93 else TicketStatus.CANCELLED
    for status, share in (
        (TicketStatus.NEW, 0.15),
        (TicketStatus.ACKNOWLEDGED, 0.30),
        (TicketStatus.IN_PROGRESS, 0.55),
        (TicketStatus.PENDING_CUSTOMER, 0.65),
        (TicketStatus.RESOLVED, 0.80),
    ):
        if roll < share:
            return status
    return TicketStatus.CLOSED


def texts(org: Organization, rng: random.Random) -> tuple[str, str]:
    values = {
        "city": rng.choice(CITIES)[0],
        "other": rng.choice(CITIES)[0],
        "host": f"srv-{rng.choice(HOSTS)}-{rng.randint(1, 40):02d}",
    }
    french = org.language is Language.FR
    reference = rng.choice(FRENCH_REFERENCES if french else ENGLISH_REFERENCES)
    sentences = rng.sample(FRENCH_SENTENCES if french else ENGLISH_SENTENCES, 2)
    return reference.format(**values), " ".join(s.format(**values) for s in sentences)


# The events are written as the producers' JSON, without building their models a few
# million times; the rebuild reads every one with the models (and counts any it cannot).


def _at(moment: datetime) -> str:
    return moment.isoformat()


def _declaration(org: Organization, rng: random.Random) -> dict[str, Any]:
    declared_at = NOW - HISTORY * (rng.random() ** 1.3)
    site = rng.choice(org.sites) if rng.random() < 0.7 else None
    reference, description = texts(org, rng)
    contract = rng.choice(org.contracts)
    return {
        "declaration_id": str(uuid.UUID(int=rng.getrandbits(128))),
        "org_id": org.org_id,
        "declared_by": {"sub": f"u-{org.org_id}", "name": "Bench Customer"},
        "declared_at": declared_at,
        "contract_id": contract,
        "element_id": f"EL-{contract}-{rng.randint(1, 2)}",
        "region": "eu-west-0",
        "nature": rng.choice(NATURES),
        "impacted_users": rng.choice(IMPACTS),
        "main_usage": rng.choice(USAGES),
        "occurred_at": declared_at - timedelta(minutes=rng.randint(1, 360)),
        "customer_reference": reference,
        "description": description,
        "site_id": site[0] if site else None,
        "site": {"name": site[1], "latitude": site[2], "longitude": site[3]} if site else None,
        "interlocutor": {"email": "bench@example.com", "language": org.language.value},
    }


def _tickets(
    declared: dict[str, Any], number: int, status: TicketStatus, rng: random.Random
) -> list[dict[str, Any]]:
    created_at: datetime = declared["declared_at"] + timedelta(seconds=30)
    usage = MainUsage(declared["main_usage"])
    priority = PRIORITY.get(
        (ImpactedUsers(declared["impacted_users"]), usage),
        Priority.P3 if usage is MainUsage.PRODUCTION else Priority.P4,
    )
    ticket: dict[str, Any] = {
        key: declared[key]
        for key in (
            "declaration_id",
            "org_id",
            "contract_id",
            "element_id",
            "region",
            "site_id",
            "nature",
            "impacted_users",
            "main_usage",
            "customer_reference",
            "description",
            "occurred_at",
            "declared_by",
            "interlocutor",
        )
    }
    ticket.update(
        ticket_number=f"INC{number:07d}",
        priority=priority.value,
        status=TicketStatus.NEW.value,
        created_at=created_at,
        updated_at=created_at,
        version=1,
    )
    steps = [(ticket, ChangeKind.CREATED, True)]
    if status is not TicketStatus.NEW:
        age_hours = (NOW - declared["declared_at"]).total_seconds() / 3600
        changed_at = min(NOW, created_at + timedelta(hours=rng.uniform(0.1, min(age_hours, 240))))
        over = status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        ticket = {
            **ticket,
            "status": status.value,
            "version": rng.randint(2, 6),
            "updated_at": changed_at,
            "assignee": {"sub": "u-ops-bench", "name": "Bench Agent"},
            "resolved_at": changed_at if over else None,
            "closed_at": changed_at if status is TicketStatus.CLOSED else None,
        }
        steps.append((ticket, ChangeKind.STATUS_CHANGED, True))
    if rng.random() < 0.1:
        note = {
            **ticket,
            "version": ticket["version"] + 1,
            "updated_at": ticket["updated_at"] + timedelta(minutes=5),
        }
        steps.append((note, ChangeKind.COMMENT_ADDED, False))
    return [
        {
            "ticket": step,
            "version": step["version"],
            "change": {
                "kind": kind.value,
                "actor": AGENT,
                "public": public,
                "at": step["updated_at"],
                "to_status": step["status"],
            },
        }
        for step, kind, public in steps
    ]


def _row(
    event_type: str,
    data: dict[str, Any],
    *,
    source: str,
    correlation_id: str,
    subject: str | None,
    time_: datetime,
    org_id: str,
    ticket_number: str | None,
) -> tuple[Any, ...]:
    event_id = str(uuid.uuid4())
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": source,
        "type": event_type,
        "time": time_,
        "subject": subject,
        "datacontenttype": "application/json",
        "correlationid": correlation_id,
        "data": data,
    }
    return (
        event_id,
        event_type,
        source,
        subject,
        time_,
        correlation_id,
        org_id,
        ticket_number,
        json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), default=_at),
    )


def journal_rows(incidents: int, organization_count: int, seed: int) -> Iterator[tuple[Any, ...]]:
    """The journal's rows, incident after incident."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    number = 0
    for org in organizations(organization_count, incidents, rng):
        for _ in range(org.size):
            declared = _declaration(org, rng)
            correlation = declared["declaration_id"]
            yield _row(
                IncidentDeclaredV1.event_type,
                declared,
                source="/services/intake",
                correlation_id=correlation,
                subject=None,
                time_=declared["declared_at"],
                org_id=org.org_id,
                ticket_number=None,
            )
            status = final_status(NOW - declared["declared_at"], rng)
            if status is None:
                continue
            number += 1
            for data in _tickets(declared, number, status, rng):
                ticket = data["ticket"]
                yield _row(
                    TicketUpdatedV1.event_type,
                    data,
                    source="/services/ticket-store",
                    correlation_id=correlation,
                    subject=ticket["ticket_number"],
                    time_=ticket["updated_at"],
                    org_id=org.org_id,
                    ticket_number=ticket["ticket_number"],
                )


async def load_journal(url: str, incidents: int, organizations: int, seed: int) -> int:
    """COPY the history into the journal; how many events it holds."""
    connection = await asyncpg.connect(asyncpg_dsn(url))
    started = time.perf_counter()
    batch: list[tuple[Any, ...]] = []
    loaded = 0
    try:
        for row in journal_rows(incidents, organizations, seed):
            batch.append(row)
            if len(batch) >= 20_000:
                await connection.copy_records_to_table(
                    "event_journal", records=batch, columns=JOURNAL_COLUMNS
                )
                loaded += len(batch)
                batch.clear()
                if loaded % 200_000 == 0:
                    print(f"  journal: {loaded} events, {time.perf_counter() - started:.0f} s")
        if batch:
            await connection.copy_records_to_table(
                "event_journal", records=batch, columns=JOURNAL_COLUMNS
            )
            loaded += len(batch)
    finally:
        await connection.close()
    print(f"journal: {loaded} events in {time.perf_counter() - started:.0f} s", flush=True)
    return loaded
