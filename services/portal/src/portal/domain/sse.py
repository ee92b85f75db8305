"""Server-Sent Events: reading a stream into events, and writing events out.

Pure functions over lines and text, so the relay's parsing is unit tested apart from
any network."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass


@dataclass(frozen=True)
class ServerEvent:
    data: str
    event: str = "message"
    id: str | None = None


def encode(event: ServerEvent) -> bytes:
    lines: list[str] = []
    if event.id is not None:
        lines.append(f"id: {_one_line(event.id)}")
    lines.append(f"event: {_one_line(event.event)}")
    lines.extend(f"data: {line}" for line in event.data.split("\n"))
    return ("\n".join(lines) + "\n\n").encode()


def comment(text: str) -> bytes:
    return f": {_one_line(text)}\n\n".encode()


def retry(milliseconds: int) -> bytes:
    return f"retry: {milliseconds}\n\n".encode()


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


class EventParser:
    """Feeds on lines (without their end) and gives each event when a blank line ends it
    (the HTML standard's "interpret an event stream", ``retry`` ignored)."""

    def __init__(self) -> None:
        self._data: list[str] = []
        self._event = ""
        self.last_id: str | None = None

    def feed(self, line: str) -> ServerEvent | None:
        if line == "":
            if not self._data:
                self._event = ""
                return None
            event = ServerEvent(
                data="\n".join(self._data), event=self._event or "message", id=self.last_id
            )
            self._data, self._event = [], ""
            return event
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self.last_id = value
        return None


async def parse_events(lines: AsyncIterable[str]) -> AsyncIterator[ServerEvent]:
    parser = EventParser()
    async for line in lines:
        event = parser.feed(line.rstrip("\r"))
        if event is not None:
            yield event
