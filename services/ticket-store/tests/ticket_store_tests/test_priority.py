from __future__ import annotations

import pytest

from ticket_store.domain.priority import derive_priority
from ticket_store.domain.ticket_number import format_ticket_number, is_ticket_number
from ticketing_common.reference import ImpactedUsers, MainUsage, Priority


@pytest.mark.parametrize(
    ("impacted", "usage", "expected"),
    [
        (ImpactedUsers.ALL_USERS, MainUsage.PRODUCTION, Priority.P1),
        (ImpactedUsers.SEVERAL_SITES, MainUsage.PRODUCTION, Priority.P1),
        (ImpactedUsers.ONE_SITE, MainUsage.PRODUCTION, Priority.P2),
        (ImpactedUsers.ALL_USERS, MainUsage.PREPRODUCTION, Priority.P2),
        (ImpactedUsers.SEVERAL_USERS, MainUsage.BACKUP, Priority.P3),
        (ImpactedUsers.ONE_USER, MainUsage.PRODUCTION, Priority.P3),
        (ImpactedUsers.ALL_USERS, MainUsage.DEVELOPMENT, Priority.P3),
        (ImpactedUsers.ONE_SITE, MainUsage.DEVELOPMENT, Priority.P4),
        (ImpactedUsers.ONE_USER, MainUsage.DEVELOPMENT, Priority.P4),
    ],
)
def test_priority_follows_impact_and_urgency(
    impacted: ImpactedUsers, usage: MainUsage, expected: Priority
) -> None:
    assert derive_priority(impacted, usage) == expected


def test_every_combination_has_a_priority_and_more_impact_never_lowers_it() -> None:
    order = [
        ImpactedUsers.ONE_USER,
        ImpactedUsers.SEVERAL_USERS,
        ImpactedUsers.ONE_SITE,
        ImpactedUsers.SEVERAL_SITES,
        ImpactedUsers.ALL_USERS,
    ]
    for usage in MainUsage:
        ranks = [int(derive_priority(impacted, usage).value[1]) for impacted in order]
        assert ranks == sorted(ranks, reverse=True), usage


def test_ticket_numbers_have_seven_digits() -> None:
    assert format_ticket_number(1234) == "INC0001234"
    assert is_ticket_number("INC0001234")
    assert not is_ticket_number("INC1234")
    with pytest.raises(ValueError, match="out of range"):
        format_ticket_number(10_000_000)
