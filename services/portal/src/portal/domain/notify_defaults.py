"""A user's notification settings: who the declaration form proposes to notify, and in
which language. No service keeps such a preference, so the portal keeps it in a cookie
of the user's browser, tied to the user it was saved for."""

from __future__ import annotations

import base64
import json
import re
from typing import Final

from portal.domain.declaration_form import MAX_NOTIFY_ROWS, NotifyRow
from portal.domain.languages import as_language

_CONTACT_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")


def encode(sub: str, rows: list[tuple[str, str]]) -> str:
    payload = {"sub": sub, "rows": [[contact, language] for contact, language in rows]}
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def decode(value: str | None, sub: str) -> tuple[NotifyRow, ...]:
    """The saved rows, if the cookie is well formed and belongs to this user."""
    if not value or len(value) > 3000:
        return ()
    try:
        padded = value + "=" * (-len(value) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError):
        return ()
    if not isinstance(payload, dict) or payload.get("sub") != sub:
        return ()
    rows: list[NotifyRow] = []
    for item in payload.get("rows", [])[:MAX_NOTIFY_ROWS]:
        if not (isinstance(item, list) and len(item) == 2):
            continue
        contact, language = item
        if isinstance(contact, str) and _CONTACT_ID.match(contact) and isinstance(language, str):
            known = as_language(language)
            if known is not None:
                rows.append(NotifyRow(contact_id=contact, language=known))
    return tuple(rows)
