"""A delivery: one email to one recipient, and the states it goes through.

``pending`` (never tried) → ``sent``; or, after a transient failure, ``retrying``
until it is sent or runs out of attempts; ``failed`` after a permanent refusal or
the last attempt.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class DeliveryKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    RETRYING = "retrying"
    SENT = "sent"
    FAILED = "failed"


# The states the sender still has work for.
DUE_STATUSES: Final = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)


def message_id(delivery_id: int, domain: str) -> str:
    """The ``Message-ID`` of a delivery: the same on every attempt, so a mail server
    or a client that sees it twice after a retry can tell, and later emails of the
    same incident can refer to it (``In-Reply-To``)."""
    return f"<delivery-{delivery_id}@{domain}>"
