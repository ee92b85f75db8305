"""A delivery: one email to one recipient, and the states it goes through.

``pending`` (never tried, or waiting for its organization's hourly limit) → ``sent``;
or, after a transient failure, ``retrying`` until it is sent or runs out of attempts;
``failed`` after a permanent refusal or the last attempt. A resend puts any delivery
back to ``pending``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class DeliveryKind(StrEnum):
    # On incident.declared: the declaration was received.
    ACKNOWLEDGEMENT = "acknowledgement"
    # On ticket.updated, the ticket created: its number.
    REGISTERED = "registered"
    # A public status change other than those below.
    STATUS_CHANGED = "status_changed"
    # The support team asks the customer for information (pending_customer).
    INFORMATION_REQUESTED = "information_requested"
    # The incident is resolved: what the customer can do next.
    RESOLVED = "resolved"
    # A public comment, without a change of status.
    COMMENT_ADDED = "comment_added"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    RETRYING = "retrying"
    SENT = "sent"
    FAILED = "failed"


# The states the sender still has work for.
DUE_STATUSES: Final = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
