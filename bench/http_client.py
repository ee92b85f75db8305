"""A lean HTTP/1.1 client for load generation: keep-alive connections, one request at
a time on each, responses parsed by httptools (uvicorn's own parser).

The load generator shares the machine's two cores with the system it measures: a
general-purpose client (httpx) spends about a millisecond of CPU per request, which
at a few hundred requests a second would take a good part of a core from the system
and move the figures. This one writes prebuilt bytes and parses with C code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import httptools


class HttpError(Exception):
    """The connection failed before a whole response came back."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...]

    def header(self, name: bytes) -> bytes | None:
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None


class _Connection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.used = False
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[Response] | None = None
        self._body: list[bytes] = []
        self._headers: list[tuple[bytes, bytes]] = []
        self._keep_alive = True

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but behave as one.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(HttpError(f"bad response: {exc}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(HttpError(f"connection lost: {exc or 'closed by the server'}"))

    # httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        response = Response(
            self._parser.get_status_code(), b"".join(self._body), tuple(self._headers)
        )
        self._keep_alive = self._parser.should_keep_alive()
        self._body, self._headers = [], []
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(response)
        if not self._keep_alive:
            self.close()

    def send(self, data: bytes) -> asyncio.Future[Response]:
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self.used = True
        self.transport.write(data)
        return self._waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _fail(self, error: Exception) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)


class HttpPool:
    """Keep-alive connections to one server; a new one opens when all are busy."""

    def __init__(self, host: str, port: int, *, max_connections: int = 512) -> None:
        self.host = host
        self.port = port
        self._idle: list[_Connection] = []
        self._open = 0
        self._slots = asyncio.Semaphore(max_connections)
        self._host_header = f"Host: {host}:{port}\r\n".encode()

    def encode(
        self,
        method: str,
        target: str,
        *,
        headers: Iterable[tuple[str, str]] = (),
        body: bytes = b"",
    ) -> bytes:
        """The request's bytes, built once and sent as they are."""
        lines = [f"{method} {target} HTTP/1.1\r\n".encode(), self._host_header]
        lines.extend(f"{name}: {value}\r\n".encode() for name, value in headers)
        if body or method in {"POST", "PUT", "PATCH"}:
            lines.append(f"Content-Length: {len(body)}\r\n".encode())
        lines.append(b"\r\n")
        return b"".join(lines) + body

    async def send(self, request: bytes, *, timeout: float = 30.0) -> Response:
        """Send a prebuilt request; a reused connection the server had closed while
        idle is replaced once (the request never reached the application)."""
        async with self._slots:
            for attempt in range(2):
                connection = await self._connection()
                reused = connection.used
                try:
                    async with asyncio.timeout(timeout):
                        response = await connection.send(request)
                except HttpError:
                    self._discard(connection)
                    if reused and attempt == 0:
                        continue
                    raise
                except TimeoutError:
                    self._discard(connection)
                    raise
                if connection.closed:
                    self._discard(connection)
                else:
                    self._idle.append(connection)
                return response
        raise AssertionError("unreachable")

    async def get(self, target: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
        return await self.send(self.encode("GET", target, headers=headers))

    async def _connection(self) -> _Connection:
        while self._idle:
            connection = self._idle.pop()
            if not connection.closed:
                return connection
            self._open -= 1
        loop = asyncio.get_running_loop()
        try:
            _, protocol = await loop.create_connection(_Connection, self.host, self.port)
        except OSError as exc:
            raise HttpError(f"cannot connect to {self.host}:{self.port}: {exc}") from exc
        self._open += 1
        return protocol

    def _discard(self, connection: _Connection) -> None:
        connection.close()
        self._open -= 1

    @property
    def open_connections(self) -> int:
        return self._open

    def close(self) -> None:
        for connection in self._idle:
            connection.close()
        self._idle.clear()
        self._open = 0
