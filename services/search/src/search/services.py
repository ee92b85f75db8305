"""What search's API needs beside the runtime: its settings, its clock and its feeds.
Built in ``bootstrap``, reached by the routes through ``request.app.state``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request

from search.settings import SearchSettings
from search.streaming.feed import Feed

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SearchServices:
    settings: SearchSettings
    clock: Clock
    incident_feed: Feed
    journal_feed: Feed


# async: FastAPI runs a plain ``def`` dependency in its thread pool, a hand-off per
# request for work that never blocks.
async def get_services(request: Request) -> SearchServices:
    services: SearchServices = request.app.state.search
    return services


Services = Annotated[SearchServices, Depends(get_services)]
