"""Nothing lost, nothing doubled: the whole system under every fault, then counted.

The short form runs in ``make test``; ``make test-failures`` runs the long one
(``FAILURE_SUITE=long``). See ``docs/reliability.md`` for what is promised and the
figures of the last long run.
"""

from __future__ import annotations

import pytest

from .conftest import REPORTS
from .profiles import current_profile
from .scenario import Environment, run_scenario

PROFILE = current_profile()


@pytest.mark.slow
@pytest.mark.timeout(PROFILE.timeout_seconds)
async def test_every_accepted_declaration_becomes_one_ticket_one_row_and_its_emails(
    chaos: Environment,
) -> None:
    report = await run_scenario(chaos)
    REPORTS.append(report)
    summary = "\n".join(report.lines())
    assert report.accepted >= chaos.profile.minimum, summary
    assert not report.refused, summary
    assert report.abandoned == 0, summary
    assert report.settle_from_last_fault is not None, summary
    assert not report.verdict.violations, summary
    assert not report.problems, summary
    assert all(item.graceful for item in report.terminations.values()), summary
    assert len(report.terminations) == len(chaos.system.services), summary
