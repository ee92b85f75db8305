"""Every word of every page exists in French and English."""

from __future__ import annotations

import re
import string
from pathlib import Path

from portal.i18n import translate
from portal.i18n.messages import MESSAGES

SOURCE = Path(__file__).resolve().parents[1] / "src" / "portal"
# t('key') in templates, page.t("key") / flash(..., "key") in the code.
LITERAL_KEY = re.compile(
    r"""(?:\bt|\.t|flash|_refusal|error_page)\((?:[^()'"]*?,\s*)?['"]([a-z_]+\.[a-z_.:]+)['"]"""
)
MESSAGE_KEY_ARGUMENT = re.compile(r"""message_key=['"]([a-z_]+\.[a-z_.]+)['"]""")
# Keys built from a prefix and a code: each code the prefix is used with.
DYNAMIC = {
    "status.": [
        "registering",
        "new",
        "acknowledged",
        "in_progress",
        "pending_customer",
        "resolved",
        "closed",
        "cancelled",
    ],
    "ops_status.": [
        "new",
        "acknowledged",
        "in_progress",
        "pending_customer",
        "resolved",
        "closed",
        "cancelled",
    ],
    "nature.": ["unavailable", "degraded", "intermittent", "security", "other"],
    "impacted.": ["one_user", "several_users", "one_site", "several_sites", "all_users"],
    "usage.": ["production", "preproduction", "backup", "development"],
    "change.": [
        "created",
        "status_changed",
        "comment_added",
        "assigned",
        "priority_changed",
        "sla_breached",
    ],
    "contract.": ["active", "suspended", "expired"],
    "language.": ["fr", "en"],
    "role.": ["customer:visitor", "customer:manager", "ops:agent", "ops:supervisor"],
    "incident.act.": ["confirm", "reopen", "cancel"],
    "incident.done.": ["comment", "confirm", "reopen", "cancel"],
    "ops.act.": [
        "acknowledge",
        "start",
        "request_info",
        "resolve",
        "cancel",
        "take",
        "unassign",
        "assign",
    ],
    "ops.done.": [
        "acknowledge",
        "start",
        "request_info",
        "resolve",
        "cancel",
        "comment",
        "take",
        "unassign",
        "assign",
        "priority",
    ],
    "ops.text.": ["comment", "reason"],
    # incident.<action>_text, for the customer's acts that need a text.
    "incident.": ["cancel_text"],
}
ERROR_PAGES = [
    "error.forbidden",
    "error.csrf",
    "error.unavailable",
    "error.not_found",
    "error.too_many",
    "error.refused",
    "error.bad_request",
    "error.unexpected",
]


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in [*SOURCE.rglob("*.html"), *SOURCE.rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        # A literal prefix ("ops.act." ~ action) is completed by DYNAMIC below.
        keys.update(key for key in LITERAL_KEY.findall(text) if not key.endswith("."))
        keys.update(MESSAGE_KEY_ARGUMENT.findall(text))
    for prefix, codes in DYNAMIC.items():
        keys.update(prefix + code for code in codes)
    for key in ERROR_PAGES:
        keys.update({key, key + ".title"})
    return keys


def test_every_key_used_has_both_languages() -> None:
    keys = used_keys()
    assert len(keys) > 150
    missing = sorted(key for key in keys if key not in MESSAGES)
    assert not missing


def test_both_languages_take_the_same_parameters() -> None:
    formatter = string.Formatter()
    for key, texts in MESSAGES.items():
        fields = {
            lang: {name for _, name, _, _ in formatter.parse(text) if name}
            for lang, text in texts.items()
        }
        assert set(texts) == {"fr", "en"}, key
        assert fields["fr"] == fields["en"], key
        assert texts["fr"].strip(), key
        assert texts["en"].strip(), key


def test_an_unknown_key_shows_itself() -> None:
    assert translate("en", "no.such.key") == "no.such.key"
    assert translate("fr", "declare.files_hint", megabytes=20).startswith(
        "Jusqu'à 10 fichiers de 20"
    )
