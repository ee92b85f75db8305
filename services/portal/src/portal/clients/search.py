"""Search: the incident list, its summary, the live stream and the event journal."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx

from portal.clients.base import JSON, ServiceClient

INCIDENT_STREAM = "/v1/incidents/stream"
EVENTS = "/v1/events"
EVENT_STREAM = "/v1/events/stream"


class SearchClient:
    def __init__(self, service: ServiceClient) -> None:
        self.service = service

    async def incidents(self, token: str, params: dict[str, Any]) -> JSON:
        return await self.service.get_json("/v1/incidents", token, params)

    async def summary(self, token: str, params: dict[str, Any] | None = None) -> JSON:
        return await self.service.get_json("/v1/incidents/summary", token, params)

    def incident_stream(
        self, token: str, last_event_id: str | None
    ) -> AbstractAsyncContextManager[httpx.Response]:
        headers = {"Last-Event-ID": last_event_id} if last_event_id else None
        return self.service.stream(INCIDENT_STREAM, token, headers=headers)

    async def events(self, token: str, params: dict[str, Any]) -> JSON:
        return await self.service.get_json(EVENTS, token, params)

    def event_stream(
        self, token: str, last_event_id: str | None, params: dict[str, Any]
    ) -> AbstractAsyncContextManager[httpx.Response]:
        headers = {"Last-Event-ID": last_event_id} if last_event_id else None
        return self.service.stream(EVENT_STREAM, token, params=params, headers=headers)

    async def supports(self, method: str, template: str) -> bool:
        return await self.service.supports(method, template)
