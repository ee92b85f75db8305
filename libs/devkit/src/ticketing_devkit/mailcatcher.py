"""A local SMTP server that keeps every message it receives.

``make run`` starts it on 127.0.0.1:1025 and writes each message as an ``.eml`` file
under ``var/mail`` (any mail client opens them); tests run it in-process and read the
messages from memory.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class ReceivedMail:
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage
    raw: bytes

    @property
    def subject(self) -> str:
        return str(self.message.get("Subject", ""))

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""


@dataclass
class _Store:
    directory: Path | None
    messages: list[ReceivedMail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        raw: bytes = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        mail = ReceivedMail(
            sender=str(envelope.mail_from),
            recipients=tuple(str(r) for r in envelope.rcpt_tos),
            message=message,
            raw=raw,
        )
        with self.lock:
            self.messages.append(mail)
        if self.directory is not None:
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
            (self.directory / name).write_bytes(raw)
        return "250 Message accepted for delivery"


class MailCatcher:
    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, directory: Path | None = None
    ) -> None:
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
        self._store = _Store(directory)
        self._controller = Controller(self._store, hostname=host, port=port or _free_port(host))

    @property
    def host(self) -> str:
        return str(self._controller.hostname)

    @property
    def port(self) -> int:
        return int(self._controller.port)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    @property
    def messages(self) -> list[ReceivedMail]:
        with self._store.lock:
            return list(self._store.messages)

    def start(self) -> MailCatcher:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[ReceivedMail]:
        wanted = address.lower()
        return [m for m in self.messages if wanted in (r.lower() for r in m.recipients)]


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", type=Path, default=Path("var/mail"))
    args = parser.parse_args()
    catcher = MailCatcher(args.host, args.port, args.dir).start()
    print(f"mail catcher on {catcher.url}, messages in {args.dir}/", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        catcher.stop()


if __name__ == "__main__":
    main()
