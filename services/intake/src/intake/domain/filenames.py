"""The name an attachment is shown and downloaded under.

The stored file is named after the attachment's id, never after what the client sent;
the uploaded name is kept only for display and for the download's
``Content-Disposition``, cleaned so that no client can be led astray by it: no path,
no control or invisible formatting character (bidirectional overrides disguise
``gpj.exe`` as ``exe.jpg``), no character a file system refuses, no reserved device name,
a bounded length, and an extension that matches the type the content was found to be.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from intake.domain.attachment_types import AttachmentType

MAX_NAME_LENGTH = 150
FALLBACK_NAME = "attachment"

_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
_SPACES = re.compile(r"\s+")
# Control, format (bidirectional marks, zero-width), surrogate, private-use, unassigned.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def display_name(uploaded: str | None, kind: AttachmentType) -> str:
    """A safe name for the file, close to the uploaded one, ending in an extension of
    ``kind``."""
    name = re.split(r"[/\\]", uploaded or "")[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(c for c in name if unicodedata.category(c) not in _INVISIBLE_CATEGORIES)
    name = _FORBIDDEN.sub("_", name)
    name = _SPACES.sub(" ", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if f".{extension.lower()}" not in kind.extensions:
        # A name whose extension says another type would open in the wrong program.
        stem, extension = name, kind.extensions[0][1:]
    stem = stem.strip(" .") or FALLBACK_NAME
    if stem.split(".")[0].lower() in _WINDOWS_DEVICES:
        stem = f"_{stem}"
    stem = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(" .") or FALLBACK_NAME
    return f"{stem}.{extension}"


def content_disposition(name: str) -> str:
    """``attachment`` with the name for every client: an ASCII fallback, and the exact
    name in RFC 6266's ``filename*``."""
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\%' else "_" for c in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
