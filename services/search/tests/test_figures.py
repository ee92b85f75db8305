"""The dashboard's figures rolled up from counts per (status, priority, contract, site)."""

from __future__ import annotations

from search.domain.figures import Group, SiteCounts, roll_up
from search.domain.status import IncidentStatus
from ticketing_common.reference import Priority

S = IncidentStatus
P = Priority


def test_every_figure_comes_from_the_same_counts() -> None:
    figures = roll_up(
        [
            Group(S.REGISTERING, None, "CT-1", "SITE-A", 2),
            Group(S.NEW, P.P3, "CT-1", "SITE-A", 1),
            Group(S.RESOLVED, P.P1, "CT-1", "SITE-A", 4),
            Group(S.IN_PROGRESS, P.P2, "CT-2", "SITE-B", 3),
            Group(S.CLOSED, P.P1, "CT-2", None, 5),
        ]
    )
    assert figures.total == 15
    assert figures.open == 6
    assert figures.by_status == dict.fromkeys(S, 0) | {
        S.REGISTERING: 2,
        S.NEW: 1,
        S.RESOLVED: 4,
        S.IN_PROGRESS: 3,
        S.CLOSED: 5,
    }
    assert figures.by_priority == {P.P1: 9, P.P2: 3, P.P3: 1, P.P4: 0}
    assert figures.by_contract == {"CT-1": 7, "CT-2": 8}
    # A resolved P1 is counted, but only open incidents make the site's priority.
    assert figures.by_site == {
        "SITE-A": SiteCounts(incidents=7, open=3, highest_open_priority=P.P3),
        "SITE-B": SiteCounts(incidents=3, open=3, highest_open_priority=P.P2),
    }


def test_no_incident_makes_zeros() -> None:
    figures = roll_up([])
    assert (figures.total, figures.open, figures.by_contract, figures.by_site) == (0, 0, {}, {})
    assert set(figures.by_status.values()) == {0}
    assert set(figures.by_priority.values()) == {0}
