"""Dead letters of each consuming service: list and replay (operations).

Each service that consumes events keeps a dead-letter queue beside its queue and
answers for it on its own API, so the portal asks each of them."""

from __future__ import annotations

from portal.clients.base import JSON, ServiceClient

LIST = "/v1/dead-letters"
SHOW = "/v1/dead-letters/{id}"
REPLAY_ONE = "/v1/dead-letters/{id}/replay"
REPLAY_ALL = "/v1/dead-letters/replay"


class DeadLettersClient:
    def __init__(self, services: dict[str, ServiceClient]) -> None:
        self.services = services

    async def supported(self, service: str) -> bool:
        return await self.services[service].supports("GET", LIST)

    async def list(self, token: str, service: str) -> list[JSON]:
        page = await self.services[service].get_json(LIST, token, {"limit": 100})
        items: list[JSON] = page.get("items", [])
        return items

    async def show(self, token: str, service: str, message_id: str) -> JSON:
        return await self.services[service].get_json(SHOW.format(id=message_id), token)

    async def replay(self, token: str, service: str, message_id: str | None) -> JSON:
        path = REPLAY_ALL if message_id is None else REPLAY_ONE.format(id=message_id)
        response = await self.services[service].request("POST", path, token)
        result: JSON = response.json() if response.content else {}
        return result
