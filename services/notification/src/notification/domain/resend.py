"""When operations may resend a delivery.

A resend puts the delivery back to ``pending`` for a new attempt with a fresh budget of
attempts, whatever its status: a ``failed`` one after the cause was fixed, a ``sent``
one that a customer says never arrived, a ``retrying`` one that should not wait for its
backoff. It keeps its ``Message-ID``: it is the same email, so a copy that did arrive
after all is recognised as a duplicate by mail clients, and the thread stays whole.
The one delivery that cannot be resent is one a sender is handing to the mail server
at this moment: that attempt's outcome would overwrite the resend.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class ResendOutcome(StrEnum):
    QUEUED = "queued"
    NOT_FOUND = "not_found"
    IN_FLIGHT = "in_flight"


def may_resend(*, claimed_until: datetime | None, now: datetime) -> bool:
    return claimed_until is None or claimed_until <= now
