"""Counting round trips to PostgreSQL on the wire, whatever sends them.

A TCP proxy in front of the server counts the ReadyForQuery messages the server sends:
one ends every round trip, a simple query (``BEGIN``, ``COMMIT``, a ping) as well as an
extended-protocol exchange (a prepare, or a bind and execute). SQLAlchemy's statement
events would miss the ``BEGIN`` and ``COMMIT`` the driver sends by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from sqlalchemy.engine import make_url

READY_FOR_QUERY = b"Z"


class RoundTripCounter:
    def __init__(self, host: str, port: int) -> None:
        self._upstream = (host, port)
        self.round_trips = 0

    async def serve(self, client: asyncio.StreamReader, to_client: asyncio.StreamWriter) -> None:
        server, to_server = await asyncio.open_connection(*self._upstream)
        try:
            await asyncio.gather(self._forward(client, to_server), self._count(server, to_client))
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            to_server.close()
            to_client.close()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()

    async def _count(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Every message from the server: a type byte, then its length (itself included).
        while True:
            header = await reader.readexactly(5)
            body = await reader.readexactly(int.from_bytes(header[1:], "big") - 4)
            if header[:1] == READY_FOR_QUERY:
                self.round_trips += 1
            writer.write(header + body)
            await writer.drain()


@contextlib.asynccontextmanager
async def counting_round_trips(database_url: str) -> AsyncIterator[tuple[str, RoundTripCounter]]:
    """A URL reaching ``database_url``'s server through a counter, and the counter.

    TLS is turned off on the proxied connections, so the proxy reads the messages.
    """
    url = make_url(database_url)
    counter = RoundTripCounter(url.host or "127.0.0.1", url.port or 5432)
    proxy = await asyncio.start_server(counter.serve, "127.0.0.1", 0)
    port = int(proxy.sockets[0].getsockname()[1])
    proxied = url.set(host="127.0.0.1", port=port, query={**url.query, "ssl": "disable"})
    try:
        yield proxied.render_as_string(hide_password=False), counter
    finally:
        proxy.close()
