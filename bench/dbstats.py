"""What each service asked of PostgreSQL over a step: commits, and sessions opened.

Commits per declaration say how many transactions the flow costs (to read beside the
server's commit limit); sessions opened say whether a connection pool churns (a pool
past its size opens connections it closes again on return: each costs a
connection, an authentication and the driver's type set-up).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import asyncpg


@dataclass(frozen=True)
class DatabaseCounters:
    # database name → (sessions opened so far, transactions committed so far)
    values: Mapping[str, tuple[int, int]]

    def since(self, earlier: DatabaseCounters) -> dict[str, tuple[int, int]]:
        return {
            name: (
                sessions - earlier.values.get(name, (0, 0))[0],
                commits - earlier.values.get(name, (0, 0))[1],
            )
            for name, (sessions, commits) in self.values.items()
        }


async def read_counters(
    connection: asyncpg.Connection[Any], databases: Mapping[str, str]
) -> DatabaseCounters:
    """Counters of the services' databases (service name → database name)."""
    rows = await connection.fetch(
        "SELECT datname, sessions, xact_commit FROM pg_stat_database WHERE datname = ANY($1)",
        list(databases.values()),
    )
    by_database = {row["datname"]: (int(row["sessions"]), int(row["xact_commit"])) for row in rows}
    return DatabaseCounters(
        {service: by_database.get(name, (0, 0)) for service, name in databases.items()}
    )
