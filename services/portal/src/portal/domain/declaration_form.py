"""The declaration form: what was typed, the API body made of it, and where the API's
errors go back on the page.

Everything typed is kept as text in a ``Draft``, so a page sent back with errors shows it
all again, exactly. ``build`` turns a draft into the body of ``POST /v1/declarations``
(empty optional fields left out, blank rows of contacts skipped) and ``control_for``
maps an API error's field (``notify[1].email``) to the control that shows it
(``notify-1-email``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

REQUEST_TYPES = ("incident",)
MAX_NOTIFY_ROWS = 20
DEFAULT_NOTIFY_ROWS = 1
MAX_ATTACHMENTS = 10

# Text fields of the draft, as the form names them.
TEXT_FIELDS = (
    "contract_id",
    "request_type",
    "element_id",
    "region",
    "nature",
    "impacted_users",
    "main_usage",
    "occurred_date",
    "occurred_time",
    "time_zone",
    "customer_reference",
    "description",
    "site_id",
    "onsite_name",
    "onsite_phone",
    "interlocutor",
    "interlocutor_id",
    "idempotency_key",
)


@dataclass(frozen=True)
class NotifyRow:
    contact_id: str = ""
    email: str = ""
    language: str = ""

    @property
    def blank(self) -> bool:
        return not self.contact_id and not self.email


@dataclass(frozen=True)
class Attachment:
    id: str
    name: str


@dataclass(frozen=True)
class Draft:
    values: Mapping[str, str]
    notify: tuple[NotifyRow, ...] = (NotifyRow(),)
    attachments: tuple[Attachment, ...] = ()

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")

    def with_values(self, **values: str) -> Draft:
        return replace(self, values={**self.values, **values})

    def with_notify_row(self, language: str) -> Draft:
        if len(self.notify) >= MAX_NOTIFY_ROWS:
            return self
        return replace(self, notify=(*self.notify, NotifyRow(language=language)))


@dataclass(frozen=True)
class FieldProblem:
    """An error to show: at a control of the form, or (control None) above it."""

    control: str | None
    message: str
    code: str = "invalid"


@dataclass(frozen=True)
class Built:
    body: dict[str, Any]
    # notify[i] of the body came from row notify_rows[i] of the form.
    notify_rows: tuple[int, ...]
    problems: tuple[FieldProblem, ...] = field(default=())


def new_idempotency_key() -> str:
    """Made when the form is shown and carried in it: sending it twice declares once."""
    return "portal-" + secrets.token_urlsafe(24)


def _one(form: Mapping[str, Sequence[str]], name: str) -> str:
    values = form.get(name) or []
    value = values[0] if values else ""
    # The description is kept as typed; every other field loses its outer spaces.
    return value if name == "description" else value.strip()


def draft_from_form(form: Mapping[str, Sequence[str]]) -> Draft:
    values = {name: _one(form, name) for name in TEXT_FIELDS}
    try:
        rows = int(_one(form, "notify_rows") or DEFAULT_NOTIFY_ROWS)
    except ValueError:
        rows = DEFAULT_NOTIFY_ROWS
    rows = max(1, min(rows, MAX_NOTIFY_ROWS))
    notify = tuple(
        NotifyRow(
            contact_id=_one(form, f"notify-{index}-contact"),
            email=_one(form, f"notify-{index}-email"),
            language=_one(form, f"notify-{index}-language"),
        )
        for index in range(rows)
    )
    ids = list(form.get("attachment_id") or [])
    names = list(form.get("attachment_name") or [])
    attachments = tuple(
        Attachment(id=attachment_id.strip(), name=(names[i] if i < len(names) else "").strip())
        for i, attachment_id in enumerate(ids[:MAX_ATTACHMENTS])
        if attachment_id.strip()
    )
    return Draft(values=values, notify=notify, attachments=attachments)


def empty_draft(
    *, now: datetime, zone_name: str, language: str, contract_id: str = "", element_id: str = ""
) -> Draft:
    """A new form: the current time proposed, a fresh idempotency key."""
    local = now.astimezone(ZoneInfo(zone_name))
    return Draft(
        values={
            "contract_id": contract_id,
            "element_id": element_id,
            "request_type": "incident",
            "occurred_date": local.strftime("%Y-%m-%d"),
            "occurred_time": local.strftime("%H:%M"),
            "time_zone": zone_name,
            "interlocutor": "me",
            "idempotency_key": new_idempotency_key(),
        },
        notify=(NotifyRow(language=language),),
    )


def _zone(name: str, default: str) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo(default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def occurred_at(draft: Draft, default_zone: str) -> datetime | FieldProblem:
    try:
        day = date.fromisoformat(draft["occurred_date"])
    except ValueError:
        return FieldProblem("occurred_date", "date", code="date")
    try:
        clock = time.fromisoformat(draft["occurred_time"])
    except ValueError:
        return FieldProblem("occurred_time", "time", code="time")
    return datetime.combine(day, clock.replace(second=0, microsecond=0)).replace(
        tzinfo=_zone(draft["time_zone"], default_zone)
    )


def build(draft: Draft, default_zone: str) -> Built:
    """The API body; ``problems`` are what the portal itself can tell before sending."""
    problems: list[FieldProblem] = []
    if draft["request_type"] not in REQUEST_TYPES:
        problems.append(FieldProblem("request_type", "request_type", code="request_type"))
    body: dict[str, Any] = {}
    for name in ("contract_id", "element_id", "nature", "impacted_users", "main_usage"):
        if draft[name]:
            body[name] = draft[name]
    when = occurred_at(draft, default_zone)
    if isinstance(when, FieldProblem):
        problems.append(when)
    else:
        body["occurred_at"] = when.isoformat()
    # The description is sent as typed (leading spaces may matter); the API refuses blank.
    if draft["description"].strip():
        body["description"] = draft["description"]
    for name in ("region", "customer_reference", "site_id"):
        if draft[name]:
            body[name] = draft[name]
    if draft["onsite_name"] or draft["onsite_phone"]:
        onsite: dict[str, str] = {"name": draft["onsite_name"]}
        if draft["onsite_phone"]:
            onsite["phone"] = draft["onsite_phone"]
        body["onsite_contact"] = onsite
    if draft["interlocutor"] == "other":
        if draft["interlocutor_id"]:
            body["interlocutor_id"] = draft["interlocutor_id"]
        else:
            problems.append(FieldProblem("interlocutor_id", "interlocutor", code="missing"))
    notify: list[dict[str, str]] = []
    rows: list[int] = []
    for index, row in enumerate(draft.notify):
        if row.blank:
            continue
        entry = {"contact_id": row.contact_id} if row.contact_id else {"email": row.email}
        if row.language:
            entry["language"] = row.language
        notify.append(entry)
        rows.append(index)
    if notify:
        body["notify"] = notify
    if draft.attachments:
        body["attachment_ids"] = [attachment.id for attachment in draft.attachments]
    return Built(body=body, notify_rows=tuple(rows), problems=tuple(problems))


_NOTIFY = re.compile(r"^notify\[(\d+)\](?:\.(contact_id|email|language|name))?$")
_ATTACHMENT = re.compile(r"^attachment_ids(?:\[\d+\])?$")
_ONSITE = {
    "onsite_contact": "onsite_name",
    "onsite_contact.name": "onsite_name",
    "onsite_contact.phone": "onsite_phone",
}
_DIRECT = frozenset(
    {
        "contract_id",
        "element_id",
        "region",
        "nature",
        "impacted_users",
        "main_usage",
        "customer_reference",
        "description",
        "site_id",
        "interlocutor_id",
    }
)
_NOTIFY_CONTROL = {
    None: "contact",
    "contact_id": "contact",
    "name": "contact",
    "email": "email",
    "language": "language",
}


def control_for(api_field: str, built: Built) -> str | None:
    """The form control showing an API error on ``api_field``; None: above the form."""
    field_name = api_field.removeprefix("body.")
    if field_name in _DIRECT:
        return field_name
    if field_name == "occurred_at":
        return "occurred_date"
    if field_name in _ONSITE:
        return _ONSITE[field_name]
    if _ATTACHMENT.match(field_name):
        return "attachments"
    if field_name == "notify":
        return f"notify-{built.notify_rows[0] if built.notify_rows else 0}-contact"
    match = _NOTIFY.match(field_name)
    if match:
        index = int(match.group(1))
        row = built.notify_rows[index] if index < len(built.notify_rows) else index
        return f"notify-{row}-{_NOTIFY_CONTROL[match.group(2)]}"
    return None


def problems_from_api(errors: Sequence[Mapping[str, Any]], built: Built) -> list[FieldProblem]:
    return [
        FieldProblem(
            control_for(str(error.get("field", "")), built),
            str(error.get("message", "")),
            str(error.get("code", "invalid")),
        )
        for error in errors
    ]
