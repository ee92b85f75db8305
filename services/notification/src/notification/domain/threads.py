"""Message identities, and how the emails of one incident hang together.

Every delivery gets its own ``Message-ID`` when it is recorded, kept for every attempt
and every resend: a mail server or a client that sees it twice can tell, and later
emails can refer to it. The first email a recipient receives about an incident
(normally the acknowledgement) is the root of their thread; every later one names it
in ``In-Reply-To`` and ``References``, so mail clients show one conversation per
incident and recipient (see ``docs`` in the README for the subject's part).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass


def new_message_id(domain: str) -> str:
    """A fresh, globally unique ``Message-ID`` on the sender's domain."""
    return f"<{uuid.uuid4().hex}@{domain}>"


def legacy_message_id(delivery_id: int, domain: str) -> str:
    """The ``Message-ID`` of a delivery recorded before identities were stored: what
    it was sent with then, so a retry or a resend keeps it."""
    return f"<delivery-{delivery_id}@{domain}>"


def thread_key(email: str) -> str:
    """A recipient, as threads tell recipients apart (addresses compared without case)."""
    return email.strip().lower()


@dataclass(frozen=True)
class ThreadHeaders:
    in_reply_to: str | None
    references: str | None


def thread_headers(message_id: str, root_message_id: str | None) -> ThreadHeaders:
    """The headers that attach an email to its thread; none for the root itself."""
    if root_message_id is None or root_message_id == message_id:
        return ThreadHeaders(None, None)
    return ThreadHeaders(root_message_id, root_message_id)
