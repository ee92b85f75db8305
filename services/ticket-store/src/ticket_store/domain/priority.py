"""Priority from impact (who is affected) and urgency (what they use it for).

The usual ITIL matrix, folded to four levels: a production outage of many users is
P1, a test environment of one user P4.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Final

from ticketing_common.reference import ImpactedUsers, MainUsage, Priority


class Level(IntEnum):
    HIGH = 1
    MEDIUM = 2
    LOW = 3


IMPACT: Final[dict[ImpactedUsers, Level]] = {
    ImpactedUsers.ALL_USERS: Level.HIGH,
    ImpactedUsers.SEVERAL_SITES: Level.HIGH,
    ImpactedUsers.ONE_SITE: Level.MEDIUM,
    ImpactedUsers.SEVERAL_USERS: Level.MEDIUM,
    ImpactedUsers.ONE_USER: Level.LOW,
}

URGENCY: Final[dict[MainUsage, Level]] = {
    MainUsage.PRODUCTION: Level.HIGH,
    MainUsage.BACKUP: Level.MEDIUM,
    MainUsage.PREPRODUCTION: Level.MEDIUM,
    MainUsage.DEVELOPMENT: Level.LOW,
}

# Rows: impact; columns: urgency.
MATRIX: Final[dict[tuple[Level, Level], Priority]] = {
    (Level.HIGH, Level.HIGH): Priority.P1,
    (Level.HIGH, Level.MEDIUM): Priority.P2,
    (Level.HIGH, Level.LOW): Priority.P3,
    (Level.MEDIUM, Level.HIGH): Priority.P2,
    (Level.MEDIUM, Level.MEDIUM): Priority.P3,
    (Level.MEDIUM, Level.LOW): Priority.P4,
    (Level.LOW, Level.HIGH): Priority.P3,
    (Level.LOW, Level.MEDIUM): Priority.P4,
    (Level.LOW, Level.LOW): Priority.P4,
}


def derive_priority(impacted_users: ImpactedUsers, main_usage: MainUsage) -> Priority:
    return MATRIX[(IMPACT[impacted_users], URGENCY[main_usage])]
