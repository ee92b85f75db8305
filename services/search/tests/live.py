"""A search app served over real HTTP (uvicorn, in this process), and a Server-Sent
Events reader for its streams: httpx's in-process transport cannot stream."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """Serve an app whose lifespan the caller already runs; yield its base URL."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=free_port(),
        lifespan="off",
        log_config=None,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:
            await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        await task


@dataclass
class Message:
    event: str | None = None
    id: str | None = None
    data: str = ""
    comments: list[str] = field(default_factory=list)
    retry: int | None = None

    def json(self) -> Any:
        return json.loads(self.data)


class Stream:
    """One open stream; ``next`` returns its messages one by one (comment lines are
    kept in ``comments`` of the message that follows, and counted in ``heartbeats``)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines = response.aiter_lines()
        self.heartbeats = 0
        self.received: list[Message] = []

    async def next(self, timeout: float = 10.0) -> Message:
        async with asyncio.timeout(timeout):
            return await self._read()

    async def next_event(self, timeout: float = 10.0) -> Message:
        """The next message that is not only comments."""
        async with asyncio.timeout(timeout):
            while True:
                message = await self._read()
                if message.event is not None or message.data:
                    return message

    async def _read(self) -> Message:
        message = Message()
        started = False
        async for line in self._lines:
            if line == "":
                if started:
                    self.received.append(message)
                    return message
                continue
            started = True
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "":
                message.comments.append(value)
                self.heartbeats += 1
                return message
            if name == "data":
                message.data = f"{message.data}\n{value}" if message.data else value
            elif name == "event":
                message.event = value
            elif name == "id":
                message.id = value
            elif name == "retry":
                message.retry = int(value)
        raise EOFError("the stream ended")

    async def until_event(self, event: str, timeout: float = 10.0) -> Message:
        async with asyncio.timeout(timeout):
            while True:
                message = await self.next_event(timeout)
                if message.event == event:
                    return message


@asynccontextmanager
async def open_stream(
    base_url: str, path: str, headers: dict[str, str], params: Any = None
) -> AsyncIterator[Stream]:
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(30.0)) as client,
        client.stream("GET", path, headers=headers, params=params) as response,
    ):
        try:
            yield Stream(response)
        finally:
            with contextlib.suppress(Exception):
                await response.aclose()
