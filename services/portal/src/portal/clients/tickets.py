"""Ticket store: a ticket, its timeline, and every act of its lifecycle."""

from __future__ import annotations

from typing import Any

from portal.clients.base import JSON, ServiceClient

TICKET = "/v1/tickets/{number}"


def if_match(version: int) -> dict[str, str]:
    return {"If-Match": f'"{version}"'}


class TicketsClient:
    def __init__(self, service: ServiceClient) -> None:
        self.service = service

    async def ticket(self, token: str, number: str) -> JSON:
        return await self.service.get_json(f"/v1/tickets/{number}", token)

    async def history(self, token: str, number: str) -> list[JSON]:
        items: list[JSON] = []
        cursor: str | None = None
        for _ in range(20):
            page = await self.service.get_json(
                f"/v1/tickets/{number}/history", token, {"limit": 200, "cursor": cursor}
            )
            items.extend(page.get("items", []))
            cursor = page.get("next_cursor")
            if not cursor:
                break
        return items

    async def _post(self, token: str, path: str, version: int | None, body: JSON) -> JSON:
        response = await self.service.request(
            "POST",
            path,
            token,
            json=body,
            headers=if_match(version) if version is not None else None,
        )
        result: JSON = response.json() if response.content else {}
        return result

    async def transition(
        self,
        token: str,
        number: str,
        version: int,
        action: str,
        *,
        comment: str | None = None,
        reason: str | None = None,
    ) -> JSON:
        body: JSON = {"action": action}
        if comment:
            body["comment"] = comment
        if reason:
            body["reason"] = reason
        return await self._post(token, f"/v1/tickets/{number}/transitions", version, body)

    async def comment(
        self, token: str, number: str, body: str, visibility: str, version: int | None = None
    ) -> JSON:
        return await self._post(
            token,
            f"/v1/tickets/{number}/comments",
            version,
            {"body": body, "visibility": visibility},
        )

    async def assign(
        self,
        token: str,
        number: str,
        version: int,
        action: str,
        assignee: JSON | None = None,
    ) -> JSON:
        body: JSON = {"action": action}
        if assignee is not None:
            body["assignee"] = assignee
        return await self._post(token, f"/v1/tickets/{number}/assignment", version, body)

    async def override_priority(
        self, token: str, number: str, version: int, priority: str, reason: str
    ) -> JSON:
        return await self._post(
            token,
            f"/v1/tickets/{number}/priority",
            version,
            {"priority": priority, "reason": reason},
        )

    async def queue(self, token: str, params: dict[str, Any]) -> JSON:
        """Operations' queue: ``status``, ``assignee``, ``org``, ``priority``, ``breached``."""
        return await self.service.get_json("/v1/tickets", token, params)

    async def supports(self, method: str, template: str) -> bool:
        return await self.service.supports(method, template)
