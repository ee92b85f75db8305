"""The list at scale: ``GET /v1/incidents`` and its summary, over the loaded read model.

Each kind of query is asked ``count`` times, one after the other (the latency of one
request, not a throughput), by callers drawn as a provider's traffic would draw them:
customers of an organization picked in proportion to its size (the largest ones hold
tens of thousands of incidents), or operations over all of them. A few requests of
each kind warm the caches first and are not counted.
"""

from __future__ import annotations

import json
import random
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from bench import text_corpus
from bench.catalog import CONTRACTS_PER_ORGANIZATION, organization_id
from bench.http_client import HttpPool
from bench.search_loader import organization_weights
from bench.stats import Distribution
from ticketing_common.auth.issuer import issue_token
from ticketing_common.settings import DEVELOPMENT_JWT_SECRET

WARMUP_REQUESTS = 3
# Requests of a kind measured at least, whatever its time budget.
MIN_SAMPLES = 10
DEEP_PAGES = 20
# The deep walks pick among this many largest organizations (the loader makes the
# organization of index 0 the largest).
LARGEST = 10


@dataclass(frozen=True)
class Caller:
    label: str
    token: str
    org_index: int | None


@dataclass(frozen=True)
class QueryResult:
    name: str
    description: str
    latency: Distribution | None
    # Items on the first page (or incidents counted, for a summary): what was measured
    # was not an empty answer.
    typical_size: int


def manager_token(org_index: int) -> str:
    return issue_token(
        secret=DEVELOPMENT_JWT_SECRET,
        sub=f"u-bench-manager-{org_index}",
        name="Bench manager",
        email=f"manager.b{org_index:04d}@bench.example",
        org=organization_id(org_index),
        roles=("customer:manager",),
        perimeter=("*",),
    )


def operations_token() -> str:
    return issue_token(
        secret=DEVELOPMENT_JWT_SECRET,
        sub="u-bench-ops",
        name="Bench operations",
        email="ops@bench.example",
        roles=("ops:agent",),
    )


Target = Callable[[random.Random, int], str]


@dataclass(frozen=True)
class QueryKind:
    name: str
    description: str
    operations: bool
    target: Target
    summary: bool = False
    # Follows next_cursor through DEEP_PAGES pages, for one of the largest customers
    # (the only ones whose lists go that deep).
    deep: bool = False


def _list(**params: str | int) -> str:
    return "/v1/incidents?" + urllib.parse.urlencode(params)


def _contract(_rng: random.Random, org: int) -> str:
    return f"CT-B{org:04d}-{1 + org % CONTRACTS_PER_ORGANIZATION}"


QUERY_KINDS: tuple[QueryKind, ...] = (
    QueryKind("plain", "a customer's first page", False, lambda r, o: _list(limit=50)),
    QueryKind(
        "plain, operations", "first page of every incident", True, lambda r, o: _list(limit=50)
    ),
    QueryKind(
        "filtered",
        "a customer's open P2 incidents of one contract",
        False,
        lambda r, o: _list(limit=50, open="true", priority="P2", contract=_contract(r, o)),
    ),
    QueryKind(
        "filtered, operations",
        "every new P1 incident",
        True,
        lambda r, o: _list(limit=50, status="new", priority="P1"),
    ),
    QueryKind(
        "full-text, common word",
        "a customer searching a frequent word",
        False,
        lambda r, o: _list(limit=50, q=r.choice(text_corpus.COMMON_WORDS)),
    ),
    QueryKind(
        "full-text, rare word",
        "a customer searching a word few incidents hold",
        False,
        lambda r, o: _list(limit=50, q=r.choice(text_corpus.RARE_WORDS)),
    ),
    QueryKind(
        "full-text, part of a reference",
        "a customer typing part of a city",
        False,
        lambda r, o: _list(limit=50, q=r.choice(text_corpus.CITIES)[:4].lower()),
    ),
    QueryKind(
        "full-text, operations",
        "operations searching a word over every incident",
        True,
        lambda r, o: _list(limit=50, q=r.choice(text_corpus.RARE_WORDS + text_corpus.COMMON_WORDS)),
    ),
    QueryKind(
        "deep cursor",
        f"pages 2 to {DEEP_PAGES} of a customer's list, following next_cursor",
        False,
        lambda r, o: _list(limit=50),
        deep=True,
    ),
    QueryKind(
        "summary",
        "a customer's dashboard",
        False,
        lambda r, o: "/v1/incidents/summary",
        summary=True,
    ),
    QueryKind(
        "summary, operations",
        "the dashboard over every incident",
        True,
        lambda r, o: "/v1/incidents/summary",
        summary=True,
    ),
)


async def _get(pool: HttpPool, target: str, token: str) -> tuple[float, dict[str, object]]:
    request = pool.encode("GET", target, headers=[("Authorization", f"Bearer {token}")])
    started = time.monotonic()
    response = await pool.send(request)
    elapsed = time.monotonic() - started
    if response.status != 200:
        raise RuntimeError(f"GET {target} answered {response.status}: {response.body[:300]!r}")
    body: dict[str, object] = json.loads(response.body)
    return elapsed, body


def _size(body: dict[str, object], summary: bool) -> int:
    if summary:
        total = body.get("total")
        return int(total) if isinstance(total, int) else 0
    items = body.get("items")
    return len(items) if isinstance(items, list) else 0


async def measure_query(
    pool: HttpPool,
    kind: QueryKind,
    *,
    organizations: int,
    count: int,
    budget_seconds: float = 60.0,
    seed: int = 5,
) -> QueryResult:
    """``count`` requests of ``kind``; fewer (at least ``MIN_SAMPLES``) when they take
    longer than ``budget_seconds`` together (a slow query is slow enough to say so)."""
    rng = random.Random(seed)
    weights = organization_weights(organizations)
    ops = operations_token()
    tokens: dict[int, str] = {}
    latencies: list[float] = []
    sizes: list[int] = []
    deadline = time.monotonic() + budget_seconds
    for index in range(count + WARMUP_REQUESTS):
        if index >= WARMUP_REQUESTS + MIN_SAMPLES and time.monotonic() > deadline:
            break
        org = (
            rng.randrange(min(LARGEST, organizations))
            if kind.deep
            else rng.choices(range(organizations), weights=weights)[0]
        )
        token = ops if kind.operations else tokens.setdefault(org, manager_token(org))
        target = kind.target(rng, org)
        if kind.deep:
            elapsed_pages, size = await _walk(pool, target, token)
            if index >= WARMUP_REQUESTS:
                latencies.extend(elapsed_pages)
                sizes.append(size)
            continue
        elapsed, body = await _get(pool, target, token)
        if index >= WARMUP_REQUESTS:
            latencies.append(elapsed)
            sizes.append(_size(body, kind.summary))
    sizes.sort()
    return QueryResult(
        name=kind.name,
        description=kind.description,
        latency=Distribution.of(latencies),
        typical_size=sizes[len(sizes) // 2] if sizes else 0,
    )


async def _walk(pool: HttpPool, first: str, token: str) -> tuple[list[float], int]:
    """Follow next_cursor from the first page; the times of pages 2 and beyond."""
    _, body = await _get(pool, first, token)
    times: list[float] = []
    pages = 1
    while pages < DEEP_PAGES and isinstance(cursor := body.get("next_cursor"), str):
        separator = "&" if "?" in first else "?"
        elapsed, body = await _get(
            pool, f"{first}{separator}{urllib.parse.urlencode({'cursor': cursor})}", token
        )
        times.append(elapsed)
        pages += 1
    return times, pages
