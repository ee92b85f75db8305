"""Intake: the catalog the form picks from, declarations and attachments."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import IO, Any

import httpx

from portal.clients.base import JSON, ServiceClient

PAGE = 200


class IntakeClient:
    def __init__(self, service: ServiceClient) -> None:
        self.service = service

    async def reference(self, token: str) -> JSON:
        return await self.service.get_json("/v1/reference", token)

    async def _all(self, path: str, token: str, params: dict[str, Any]) -> list[JSON]:
        """Every item of a (short) list, following its cursor a few pages at most."""
        items: list[JSON] = []
        cursor: str | None = None
        for _ in range(10):
            page = await self.service.get_json(
                path, token, {**params, "limit": PAGE, "cursor": cursor}
            )
            items.extend(page.get("items", []))
            cursor = page.get("next_cursor")
            if not cursor:
                break
        return items

    async def contracts(self, token: str) -> list[JSON]:
        return await self._all("/v1/contracts", token, {})

    async def elements(
        self, token: str, *, contract: str | None = None, q: str | None = None
    ) -> list[JSON]:
        return await self._all("/v1/elements", token, {"contract": contract, "q": q})

    async def sites(self, token: str) -> list[JSON]:
        return await self._all("/v1/sites", token, {})

    async def contacts(self, token: str, q: str | None = None) -> list[JSON]:
        return await self._all("/v1/contacts", token, {"q": q})

    async def declare(self, token: str, body: JSON, idempotency_key: str) -> JSON:
        response = await self.service.request(
            "POST",
            "/v1/declarations",
            token,
            json=body,
            headers={"Idempotency-Key": idempotency_key},
        )
        accepted: JSON = response.json()
        return accepted

    async def declaration(self, token: str, declaration_id: str) -> JSON:
        return await self.service.get_json(f"/v1/declarations/{declaration_id}", token)

    async def upload(
        self, token: str, filename: str, content_type: str, content: IO[bytes]
    ) -> JSON:
        response = await self.service.request(
            "POST",
            "/v1/attachments",
            token,
            files={"file": (filename, content, content_type)},
            timeout=120.0,
        )
        stored: JSON = response.json()
        return stored

    def attachment(
        self, token: str, attachment_id: str
    ) -> AbstractAsyncContextManager[httpx.Response]:
        """The file, streamed."""
        return self.service.stream(f"/v1/attachments/{attachment_id}", token, accept="*/*")

    async def supports_uploads(self) -> bool:
        return await self.service.supports("POST", "/v1/attachments")
