"""Reading a ``multipart/form-data`` body as it arrives, part by part, never whole.

Starlette's ``request.form()`` spools every file to a temporary file before the
endpoint runs, so a size limit could only be checked after the whole body was
received. Here python-multipart's push parser (the one Starlette itself uses, already a
dependency; ``streaming-form-data`` would add a compiled package for the same job) is
fed the request's chunks and its callbacks are turned into events the caller handles
as they come: at most one network chunk is in memory at a time.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

# Per part: a handful of headers, each of a sane length.
MAX_PART_HEADERS = 8
MAX_PART_HEADER_BYTES = 4096


@dataclass(frozen=True)
class PartStart:
    """A part begins: its form field name, file name and declared type, as sent."""

    name: str | None
    filename: str | None
    content_type: str | None


@dataclass(frozen=True)
class PartData:
    data: bytes


@dataclass(frozen=True)
class PartEnd:
    pass


Event = PartStart | PartData | PartEnd


class UnsupportedBody(Exception):
    """The body is not multipart/form-data at all."""


class MalformedBody(Exception):
    """The body claims to be multipart/form-data but is not well formed."""


class BodyTooLarge(Exception):
    pass


def multipart_boundary(content_type: str | None) -> bytes:
    media_type, options = parse_options_header(content_type or "")
    if media_type != b"multipart/form-data":
        raise UnsupportedBody("send the file as multipart/form-data")
    boundary = options.get(b"boundary", b"")
    if not 1 <= len(boundary) <= 70:
        raise MalformedBody("the multipart boundary is missing or longer than 70 characters")
    return boundary


class _Collector:
    """Gathers the parser's callbacks into events for one ``write``."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.ended = False
        self._field = bytearray()
        self._value = bytearray()
        self._headers: dict[str, bytes] = {}

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_end": self._end,
        }

    def _part_begin(self) -> None:
        self._headers = {}

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        name = self._field.decode("latin-1").strip().lower()
        self._headers[name] = bytes(self._value).strip()
        self._field.clear()
        self._value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition", b""))
        declared = self._headers.get("content-type")
        self.events.append(
            PartStart(
                name=_text(options.get(b"name")),
                filename=_text(options.get(b"filename")),
                content_type=declared.decode("latin-1") if declared is not None else None,
            )
        )

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        # A copy: the parser reuses its buffer once the callback returns.
        self.events.append(PartData(bytes(data[start:end])))

    def _part_end(self) -> None:
        self.events.append(PartEnd())

    def _end(self) -> None:
        self.ended = True


def _text(value: bytes | None) -> str | None:
    # Browsers send names as raw UTF-8 bytes in the header.
    return value.decode("utf-8", errors="replace") if value is not None else None


async def read_multipart(
    chunks: AsyncIterator[bytes], boundary: bytes, *, max_body_bytes: int
) -> AsyncGenerator[Event, None]:
    """The body's parts as events, in order; the body must end with its closing boundary."""
    collector = _Collector()
    try:
        parser = MultipartParser(
            boundary,
            collector.callbacks(),  # type: ignore[arg-type]
            max_header_count=MAX_PART_HEADERS,
            max_header_size=MAX_PART_HEADER_BYTES,
        )
    except FormParserError as exc:
        raise MalformedBody(str(exc)) from exc
    received = 0
    async for chunk in chunks:
        received += len(chunk)
        if received > max_body_bytes:
            raise BodyTooLarge()
        try:
            parser.write(chunk)
        except FormParserError as exc:
            raise MalformedBody(f"the multipart body is malformed: {exc}") from exc
        for event in collector.events:
            yield event
        collector.events.clear()
        if collector.ended:
            return
    raise MalformedBody("the multipart body ends before its closing boundary")
