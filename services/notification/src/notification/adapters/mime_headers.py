"""Header lines as the wire wants them: folded at 78 columns, and text that is not
plain ASCII written as RFC 2047 encoded words (UTF-8, base64), which mail clients show
decoded. Values come cleaned of control characters (``domain.headers``)."""

from __future__ import annotations

import base64
from email.headerregistry import Address

LINE = 78
# RFC 2047: an encoded word is at most 75 characters; "=?utf-8?b?" and "?=" take 12.
_WORD = 75
_WORD_FRAME = 12


def header_line(name: str, value: str) -> bytes:
    """A structured header (an id, a date, a language tag): written as it is."""
    return f"{name}: {value}\r\n".encode()


def text_header(name: str, value: str) -> bytes:
    """An unstructured header (the subject): as it is when that is plain ASCII, folded
    between words; otherwise as encoded words."""
    if _is_plain(value):
        return _folded(f"{name}:", value.split(" "))
    return _folded(f"{name}:", _encoded_words(value, first_room=LINE - len(name) - 2))


def address_header(name: str, address: Address) -> bytes:
    """``Display Name <address>``: the name quoted as RFC 5322 wants it when it is
    ASCII (as ``Address`` writes it), encoded otherwise."""
    display = address.display_name
    if not display:
        return header_line(name, address.addr_spec)
    if _is_plain(display):
        return _folded(f"{name}:", str(address).split(" "))
    words = _encoded_words(display, first_room=LINE - len(name) - 2)
    return _folded(f"{name}:", [*words, f"<{address.addr_spec}>"])


def _is_plain(value: str) -> bool:
    # "=?" would be read back as the start of an encoded word.
    return value.isascii() and "=?" not in value


def _folded(start: str, words: list[str]) -> bytes:
    """``start`` and the words, one space apart, a new (indented) line wherever the next
    word would pass the 78th column; a word longer than a line has one of its own."""
    lines: list[str] = []
    line = start
    for word in words:
        if line != start and len(line) + 1 + len(word) > LINE:
            lines.append(line)
            line = ""
        line = f"{line} {word}"
    lines.append(line)
    return ("\r\n".join(lines) + "\r\n").encode()


def _encoded_words(value: str, *, first_room: int) -> list[str]:
    """``value`` as base64 encoded words, never splitting a character between two,
    the first one short enough to follow the header's name on its line."""
    words: list[str] = []
    chunk = bytearray()
    room = _capacity(min(first_room, _WORD))
    for char in value:
        encoded = char.encode("utf-8")
        if chunk and len(chunk) + len(encoded) > room:
            words.append(_encoded_word(bytes(chunk)))
            chunk.clear()
            room = _capacity(_WORD)
        chunk += encoded
    if chunk or not words:
        words.append(_encoded_word(bytes(chunk)))
    return words


def _capacity(word_length: int) -> int:
    """The bytes whose base64 fits in an encoded word of ``word_length`` characters."""
    return 3 * ((word_length - _WORD_FRAME) // 4)


def _encoded_word(data: bytes) -> str:
    return f"=?utf-8?b?{base64.b64encode(data).decode('ascii')}?="
