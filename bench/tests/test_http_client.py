import asyncio

from bench.http_client import HttpPool


async def serve(close_after_first: bool = False) -> tuple[asyncio.Server, list[bytes]]:
    """A tiny HTTP/1.1 server answering each request with its own path."""
    requests: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
            if not head:
                break
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = await reader.readexactly(length)
            requests.append(head + body)
            path = head.split(b" ")[1]
            writer.write(
                b"HTTP/1.1 202 Accepted\r\nContent-Type: text/plain\r\nX-Seen: yes\r\n"
                + f"Content-Length: {len(path)}\r\n\r\n".encode()
                + path
            )
            await writer.drain()
            if close_after_first:
                writer.close()
                return

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, requests


async def test_requests_share_a_keep_alive_connection() -> None:
    server, requests = await serve()
    port = server.sockets[0].getsockname()[1]
    pool = HttpPool("127.0.0.1", port)
    try:
        first = await pool.send(pool.encode("POST", "/one", body=b'{"a": 1}'))
        second = await pool.get("/two")
    finally:
        pool.close()
        server.close()
    assert (first.status, first.body, first.header(b"x-seen")) == (202, b"/one", b"yes")
    assert second.body == b"/two"
    assert requests[0].endswith(b'\r\n\r\n{"a": 1}')
    assert b"Content-Length: 8" in requests[0]
    assert pool.open_connections == 0


async def test_a_connection_the_server_closed_is_replaced() -> None:
    server, requests = await serve(close_after_first=True)
    port = server.sockets[0].getsockname()[1]
    pool = HttpPool("127.0.0.1", port)
    try:
        await pool.get("/one")
        await asyncio.sleep(0.05)
        again = await pool.get("/two")
    finally:
        pool.close()
        server.close()
    assert again.body == b"/two"
    assert len(requests) == 2


async def test_concurrent_requests_open_more_connections() -> None:
    server, _ = await serve()
    port = server.sockets[0].getsockname()[1]
    pool = HttpPool("127.0.0.1", port)
    try:
        answers = await asyncio.gather(*(pool.get(f"/{n}") for n in range(5)))
    finally:
        pool.close()
        server.close()
    assert sorted(answer.body for answer in answers) == sorted(f"/{n}".encode() for n in range(5))
