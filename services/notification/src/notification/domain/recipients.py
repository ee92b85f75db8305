"""Who receives the emails of an incident."""

from __future__ import annotations

from collections.abc import Iterable

from ticketing_common.events.parts import Recipient


def distinct_recipients(
    interlocutor: Recipient, notify: Iterable[Recipient] = ()
) -> list[Recipient]:
    """The interlocutor, then the contacts to notify, once per address.

    Addresses are compared without case and the first mention wins, so the
    interlocutor keeps their own name and language when they are also in the list.
    """
    seen: set[str] = set()
    distinct: list[Recipient] = []
    for recipient in (interlocutor, *notify):
        key = recipient.email.strip().lower()
        if not key or key in seen:
            continue
        seen.add(key)
        distinct.append(recipient)
    return distinct
