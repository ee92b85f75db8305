"""Message identities, threads, resends and free text: the small pure rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from notification.domain.resend import may_resend
from notification.domain.threads import (
    new_message_id,
    thread_headers,
    thread_key,
)
from notification.rendering.text import clean_paragraphs

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_message_ids_are_unique_and_on_the_sender_domain() -> None:
    ids = {new_message_id("example.com") for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"<[0-9a-f]{32}@example\.com>", mid) for mid in ids)


def test_a_reply_names_the_root_and_the_root_names_nothing() -> None:
    reply = thread_headers("<b@x>", "<a@x>")
    assert (reply.in_reply_to, reply.references) == ("<a@x>", "<a@x>")
    assert thread_headers("<a@x>", "<a@x>") == thread_headers("<a@x>", None)
    assert thread_headers("<a@x>", None).in_reply_to is None


def test_threads_compare_addresses_without_case() -> None:
    assert thread_key(" Jeanne.Martin@Example.COM ") == "jeanne.martin@example.com"


def test_a_delivery_may_be_resent_unless_it_is_in_flight() -> None:
    assert may_resend(claimed_until=None, now=NOW)
    assert may_resend(claimed_until=NOW - timedelta(seconds=1), now=NOW)
    assert not may_resend(claimed_until=NOW + timedelta(seconds=30), now=NOW)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("one line", "one line"),
        ("a\r\nb\rc\nd", "a\nb\nc\nd"),
        ("a\u2028b\u2029c\x85d", "a\nb\nc\nd"),
        ("bell\x07 escape\x1b[31m red", "bell escape[31m red"),
        ("tab\there", "tab    here"),
        ("\n\n  first\n\n\n\n\nlast  \n\n", "first\n\nlast"),
        ("trailing   \nspaces", "trailing\nspaces"),
    ],
)
def test_free_text_keeps_its_lines_and_nothing_else(value: str, expected: str) -> None:
    assert clean_paragraphs(value) == expected
