"""The whole service as it runs, for tests: its HTTP client, and a way to publish
events on its broker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from ticketing_common.auth.issuer import issue_token
from ticketing_common.events import CloudEvent
from ticketing_common.messaging.publisher import ConfirmedPublisher
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import DEVELOPMENT_JWT_SECRET


def bearer(**claims: Any) -> dict[str, str]:
    token = issue_token(secret=DEVELOPMENT_JWT_SECRET, sub="u-1", name="Test user", **claims)
    return {"Authorization": f"Bearer {token}"}


OPERATIONS = bearer(roles=["ops:agent"])
CUSTOMER = bearer(roles=["customer:manager"], org="ORG-1", perimeter=["*"])


@dataclass
class Service:
    client: httpx.AsyncClient
    runtime: ServiceRuntime

    async def publish(self, event: CloudEvent[Any]) -> None:
        assert self.runtime.connection is not None
        publisher = ConfirmedPublisher(self.runtime.connection)
        try:
            await publisher.publish(
                routing_key=event.data.routing_key,
                body=event.to_json_bytes(),
                message_id=event.id,
                event_type=event.type,
                correlation_id=event.correlationid,
            )
        finally:
            await publisher.close()

    async def deliveries(self, **params: Any) -> list[dict[str, Any]]:
        response = await self.client.get("/v1/deliveries", params=params, headers=OPERATIONS)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items
