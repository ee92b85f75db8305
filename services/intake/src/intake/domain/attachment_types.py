"""Which files may be attached, judged on their content.

A client's declared type is a hint anybody can forge, so the type that counts is the
one the bytes show: binary formats by their signature (the ``filetype`` library reads
the first bytes), plain text by being valid UTF-8 throughout with no control
characters a text file does not hold. The declared type is still checked: one naming
a type outside the allow-list (an ``.exe``, an ``.html``) is refused even before the
content is seen, so an upload is refused whichever of the two betrays it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from typing import Final

import filetype  # type: ignore[import-untyped]


@dataclass(frozen=True)
class AttachmentType:
    media_type: str
    # File name extensions of this type; the first is added to a name that has none of them.
    extensions: tuple[str, ...]
    # What clients declare for such a file besides ``media_type`` (browsers differ).
    declared_as: frozenset[str] = frozenset()


TEXT = "text/plain"

ATTACHMENT_TYPES: Final[dict[str, AttachmentType]] = {
    kind.media_type: kind
    for kind in (
        AttachmentType("image/png", (".png",)),
        AttachmentType("image/jpeg", (".jpg", ".jpeg", ".jpe"), frozenset({"image/pjpeg"})),
        AttachmentType("image/gif", (".gif",)),
        AttachmentType("image/webp", (".webp",)),
        AttachmentType("application/pdf", (".pdf",), frozenset({"application/x-pdf"})),
        AttachmentType(
            TEXT,
            (".txt", ".log", ".csv", ".json", ".xml", ".yaml", ".yml", ".md", ".conf", ".ini"),
            frozenset(
                {
                    "text/csv",
                    "text/x-log",
                    "text/markdown",
                    "text/xml",
                    "text/yaml",
                    "text/x-yaml",
                    "application/json",
                    "application/xml",
                    "application/x-yaml",
                    "application/yaml",
                }
            ),
        ),
        AttachmentType(
            "application/zip",
            (".zip",),
            frozenset({"application/x-zip-compressed", "application/x-zip"}),
        ),
        AttachmentType("application/gzip", (".gz", ".tgz"), frozenset({"application/x-gzip"})),
        AttachmentType(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)
        ),
        AttachmentType(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)
        ),
        AttachmentType(
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (".pptx",),
        ),
        AttachmentType("application/vnd.oasis.opendocument.text", (".odt",)),
        AttachmentType("application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
    )
}

# What a client sends when it does not know the type: the content decides alone.
GENERIC_DECLARED_TYPES: Final = frozenset({"", "application/octet-stream", "binary/octet-stream"})

# Bytes looked at to recognize a binary format (filetype reads no further).
HEAD_SIZE: Final = 8192

# Line breaks, tabs, form feeds and ESC (colored logs) are text; other C0 controls and
# DEL are the mark of a binary file.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


class TypeNotAllowed(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _allowed_list(allowed: frozenset[str]) -> str:
    return ", ".join(sorted(allowed))


def check_declared_type(declared: str | None, allowed: frozenset[str]) -> None:
    """Refuse a declared type outside the allow-list (a generic one says nothing)."""
    media_type = (declared or "").split(";", 1)[0].strip().lower()
    if media_type in GENERIC_DECLARED_TYPES:
        return
    for name in allowed:
        kind = ATTACHMENT_TYPES[name]
        if media_type == kind.media_type or media_type in kind.declared_as:
            return
    raise TypeNotAllowed(
        f"files of type {media_type[:100]} are not accepted; "
        f"accepted types: {_allowed_list(allowed)}"
    )


class ContentSniffer:
    """Decides, from the bytes as they stream by, whether a file is of an allowed type.

    ``feed`` raises ``TypeNotAllowed`` as soon as the content betrays a refused type, so
    an upload stops early; ``finish`` gives the type once the whole file has been seen.
    """

    def __init__(self, allowed: frozenset[str]) -> None:
        self._allowed = allowed
        self._head = bytearray()
        self._decided: AttachmentType | None = None
        self._text = codecs.getincrementaldecoder("utf-8")(errors="strict")
        # Until refuted, the bytes seen so far may still be a text file.
        self._maybe_text = TEXT in allowed
        self.size = 0

    def feed(self, data: bytes) -> None:
        self.size += len(data)
        if self._maybe_text and (self._decided is None or self._decided.media_type == TEXT):
            self._maybe_text = self._is_text(data, final=False)
        if self._decided is None:
            self._head.extend(data[: HEAD_SIZE - len(self._head)])
            if len(self._head) >= HEAD_SIZE:
                self._decide()
        elif self._decided.media_type == TEXT and not self._maybe_text:
            raise self._refusal("the file is not plain UTF-8 text")

    def finish(self) -> AttachmentType:
        if self._maybe_text:
            self._maybe_text = self._is_text(b"", final=True)
        if self._decided is None:
            self._decide()
        assert self._decided is not None
        if self._decided.media_type == TEXT and not self._maybe_text:
            raise self._refusal("the file is not plain UTF-8 text")
        return self._decided

    def _decide(self) -> None:
        guess = filetype.guess(bytes(self._head))
        if guess is not None and guess.mime in self._allowed:
            self._decided = ATTACHMENT_TYPES[guess.mime]
        elif self._maybe_text:
            self._decided = ATTACHMENT_TYPES[TEXT]
        elif guess is not None:
            raise self._refusal(f"the content is {guess.mime}")
        else:
            raise self._refusal("the content is neither plain UTF-8 text nor of an accepted type")

    def _is_text(self, data: bytes, *, final: bool) -> bool:
        try:
            decoded = self._text.decode(data, final=final)
        except UnicodeDecodeError:
            return False
        return _NOT_TEXT.search(decoded) is None

    def _refusal(self, what: str) -> TypeNotAllowed:
        return TypeNotAllowed(f"{what}; accepted types: {_allowed_list(self._allowed)}")
