"""An SMTP server that notes when each message arrives, for the bench.

Runs in a process of its own (``python -m bench.mail_sink``), so that taking a few
hundred messages a second does not steal time from the load generator's event loop.
It reads the headers only, finds the bench marker in the subject, and writes one line
per message on its standard output: ``<time.monotonic()>\\t<marker>\\t<recipient>``
(the clock is the machine's monotonic clock, the same in every process). The parent
(``MailArrivals``) reads those lines.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import email.parser
import email.policy
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"bench-[0-9a-f]+-\d+")
_HEADERS = email.parser.BytesHeaderParser(policy=email.policy.default)


def marker_of(raw: bytes) -> str:
    """The bench marker in the message's subject; empty when there is none."""
    end = raw.find(b"\r\n\r\n")
    headers = _HEADERS.parsebytes(raw if end < 0 else raw[: end + 4])
    found = MARKER.search(str(headers.get("Subject", "")))
    return found.group(0) if found else ""


class _Handler:
    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        arrived = time.monotonic()
        raw: bytes = envelope.original_content or envelope.content
        marker = marker_of(raw)
        for recipient in envelope.rcpt_tos:
            sys.stdout.write(f"{arrived:.6f}\t{marker}\t{recipient}\n")
        sys.stdout.flush()
        return "250 Message accepted for delivery"


async def serve(host: str, port: int) -> None:
    from aiosmtpd.smtp import SMTP

    loop = asyncio.get_running_loop()
    handler = _Handler()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="bench-sink", loop=loop), host, port
    )
    bound = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"ready\t{bound}\n")
    sys.stdout.flush()
    async with server:
        await server.serve_forever()


@dataclass
class MailArrivals:
    """The sink process, and what arrived so far: marker → [(time, recipient)]."""

    host: str = "127.0.0.1"
    by_marker: dict[str, list[tuple[float, str]]] = field(default_factory=lambda: defaultdict(list))
    unmarked: int = 0
    total: int = 0
    on_arrival: Callable[[str, float, str], None] | None = None
    port: int = 0
    _process: asyncio.subprocess.Process | None = None
    _reader: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    async def start(self) -> MailArrivals:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.mail_sink",
            "--host",
            self.host,
            cwd=str(REPOSITORY),
            stdout=asyncio.subprocess.PIPE,
        )
        assert self._process.stdout is not None
        first = await asyncio.wait_for(self._process.stdout.readline(), timeout=30)
        if not first.startswith(b"ready\t"):
            raise RuntimeError(f"the mail sink did not start: {first!r}")
        self.port = int(first.split(b"\t")[1])
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self._process is not None
        assert self._process.stdout is not None
        async for line in self._process.stdout:
            arrived, marker, recipient = line.decode().rstrip("\n").split("\t", 2)
            self.total += 1
            if not marker:
                self.unmarked += 1
                continue
            moment = float(arrived)
            self.by_marker[marker].append((moment, recipient))
            if self.on_arrival is not None:
                self.on_arrival(marker, moment, recipient)

    async def stop(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            await self._process.wait()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.run(serve(args.host, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
