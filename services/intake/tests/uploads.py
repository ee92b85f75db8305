"""Building upload requests by hand, to control every byte the server sees."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx

from ticketing_devkit.service_testing import ServiceUnderTest as Intake
from ticketing_devkit.service_testing import auth_as as auth

BOUNDARY = "----intake-test-boundary-7MA4YWxkTrZu0gW"


def part(
    content: bytes,
    *,
    name: str = "file",
    filename: str | None = "capture.png",
    content_type: str | None = "application/octet-stream",
) -> bytes:
    disposition = f'form-data; name="{name}"'
    if filename is not None:
        disposition += f'; filename="{filename}"'
    headers = f"Content-Disposition: {disposition}\r\n"
    if content_type is not None:
        headers += f"Content-Type: {content_type}\r\n"
    return f"--{BOUNDARY}\r\n{headers}\r\n".encode() + content + b"\r\n"


def multipart(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


CONTENT_TYPE = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


async def upload(
    intake: Intake,
    content: bytes | AsyncIterator[bytes],
    *,
    user: str = "customer",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await intake.client.post(
        "/v1/attachments",
        content=content,
        headers={**auth(user), **CONTENT_TYPE, **(headers or {})},
    )


async def upload_file(
    intake: Intake, content: bytes, user: str = "customer", **part_options: Any
) -> dict[str, Any]:
    response = await upload(intake, multipart(part(content, **part_options)), user=user)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body
