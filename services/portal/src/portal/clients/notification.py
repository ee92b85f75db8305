"""Notification: the delivery log of a ticket's emails (operations)."""

from __future__ import annotations

from portal.clients.base import JSON, ServiceClient


class NotificationClient:
    def __init__(self, service: ServiceClient) -> None:
        self.service = service

    async def deliveries(
        self, token: str, *, ticket: str | None = None, declaration: str | None = None
    ) -> list[JSON]:
        page = await self.service.get_json(
            "/v1/deliveries", token, {"ticket": ticket, "declaration": declaration, "limit": 100}
        )
        items: list[JSON] = page.get("items", [])
        return items
