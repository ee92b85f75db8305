"""What the event handlers need of the settings to write emails."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class EmailContext:
    # Links: {portal_base_url}/incidents/{declaration_id}.
    portal_base_url: str
    # The domain of every Message-ID (MAIL_FROM's).
    message_id_domain: str
    # The ticket store's auto-close delay, when configured here too.
    auto_close_after: timedelta | None = None
