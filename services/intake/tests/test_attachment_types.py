"""Which files may be attached: the type found in the content, and the declared one."""

from __future__ import annotations

import pytest

from intake.domain.attachment_types import (
    ATTACHMENT_TYPES,
    HEAD_SIZE,
    ContentSniffer,
    TypeNotAllowed,
    check_declared_type,
)

from .samples import DOCX, ELF, EXE, GIF, JPEG, PDF, PNG, TEXT, WEBP, ZIP

ALL = frozenset(ATTACHMENT_TYPES)


def sniff(data: bytes, allowed: frozenset[str] = ALL, chunk: int = 1000) -> str:
    sniffer = ContentSniffer(allowed)
    for start in range(0, len(data), chunk):
        sniffer.feed(data[start : start + chunk])
    return sniffer.finish().media_type


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (WEBP, "image/webp"),
        (PDF, "application/pdf"),
        (ZIP, "application/zip"),
        (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (TEXT, "text/plain"),
        ("\ufeffwith a byte order mark".encode(), "text/plain"),
        (b"\x1b[31mred\x1b[0m colored log line\n", "text/plain"),
        # "BM" starts a bitmap's signature; a text that starts so is still text.
        (b"BMW fleet report\n", "text/plain"),
        (b"<html><script>alert(1)</script></html>", "text/plain"),
    ],
)
def test_allowed_content_is_typed_by_its_bytes(content: bytes, media_type: str) -> None:
    assert sniff(content) == media_type


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (EXE, "application/x-msdownload"),
        (ELF, "application/x-executable"),
        (b"\x00\x01\x02\x03binary", "neither plain UTF-8 text"),
        ("é".encode("latin-1") + b" latin-1 text", "neither plain UTF-8 text"),
    ],
)
def test_other_content_is_refused(content: bytes, reason: str) -> None:
    with pytest.raises(TypeNotAllowed) as refused:
        sniff(content)
    assert reason in refused.value.detail
    assert "accepted types" in refused.value.detail


def test_a_binary_file_is_refused_as_soon_as_its_head_is_seen() -> None:
    sniffer = ContentSniffer(ALL)
    with pytest.raises(TypeNotAllowed):
        sniffer.feed(EXE + bytes(HEAD_SIZE))


def test_text_that_turns_binary_past_the_head_is_refused_while_streaming() -> None:
    sniffer = ContentSniffer(ALL)
    sniffer.feed(b"a" * HEAD_SIZE)
    sniffer.feed(b"still text\n")
    with pytest.raises(TypeNotAllowed):
        sniffer.feed(b"\x00\x00\x00")


def test_a_character_split_between_chunks_is_still_text() -> None:
    data = "é" * 10_000
    assert sniff(data.encode(), chunk=7) == "text/plain"


def test_a_character_cut_at_the_end_is_not_text() -> None:
    with pytest.raises(TypeNotAllowed):
        sniff("tronqué".encode()[:-1])


def test_the_allow_list_is_the_settings() -> None:
    only_pdf = frozenset({"application/pdf"})
    assert sniff(PDF, only_pdf) == "application/pdf"
    with pytest.raises(TypeNotAllowed, match="image/png"):
        sniff(PNG, only_pdf)
    with pytest.raises(TypeNotAllowed):
        sniff(TEXT, only_pdf)


@pytest.mark.parametrize(
    "declared",
    [
        None,
        "",
        "application/octet-stream",
        "image/png",
        "IMAGE/PNG",
        "text/plain; charset=utf-8",
        "text/csv",
        "application/json",
        "application/x-zip-compressed",
        "image/pjpeg",
    ],
)
def test_declared_types_of_the_allow_list_pass(declared: str | None) -> None:
    check_declared_type(declared, ALL)


@pytest.mark.parametrize(
    "declared",
    ["text/html", "application/x-msdownload", "image/svg+xml", "application/javascript"],
)
def test_declared_types_outside_the_allow_list_are_refused(declared: str) -> None:
    with pytest.raises(TypeNotAllowed, match="not accepted"):
        check_declared_type(declared, ALL)


def test_a_declared_type_does_not_decide_the_stored_one() -> None:
    check_declared_type("image/png", ALL)
    assert sniff(JPEG) == "image/jpeg"
