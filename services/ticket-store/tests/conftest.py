from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ticket_store.bootstrap import build_app, build_runtime
from ticket_store.settings import TicketStoreSettings
from ticketing_devkit.pytest_plugin import MakeDatabase, MakeVhost
from ticketing_devkit.service_testing import ServiceUnderTest, running_app


@pytest.fixture(scope="session")
async def ticket_store(
    make_database: MakeDatabase, make_vhost: MakeVhost
) -> AsyncIterator[ServiceUnderTest]:
    settings = TicketStoreSettings(
        database_url=await make_database("tickets"),
        amqp_url=make_vhost("tickets"),
        # The handlers are exercised directly; the consumer would race them.
        run_workers=False,
    )
    runtime = build_runtime(settings)
    async with running_app(build_app(runtime)) as client:
        yield ServiceUnderTest(client, runtime)


@pytest.fixture
def store(ticket_store: ServiceUnderTest) -> ServiceUnderTest:
    return ticket_store
