from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from ticket_store.bootstrap import build_app, build_runtime
from ticket_store.runtime import TicketStoreRuntime
from ticket_store.settings import TicketStoreSettings
from ticketing_devkit.pytest_plugin import MakeDatabase, MakeVhost
from ticketing_devkit.service_testing import ServiceUnderTest, running_app

from .support import Desktop, MovableClock


@pytest.fixture(scope="session")
def service_clock() -> MovableClock:
    return MovableClock()


@pytest.fixture(scope="session")
async def ticket_store(
    make_database: MakeDatabase, make_vhost: MakeVhost, service_clock: MovableClock
) -> AsyncIterator[ServiceUnderTest]:
    settings = TicketStoreSettings(
        database_url=await make_database("tickets"),
        amqp_url=make_vhost("tickets"),
        # The handlers and jobs are exercised directly; the consumer would race them.
        run_workers=False,
    )
    runtime = build_runtime(settings, clock=service_clock)
    async with running_app(build_app(runtime)) as client:
        yield ServiceUnderTest(client, runtime)


@pytest.fixture
def store(
    ticket_store: ServiceUnderTest, service_clock: MovableClock
) -> Iterator[ServiceUnderTest]:
    yield ticket_store
    # A test that moved time gives it back.
    service_clock.release()


@pytest.fixture
def runtime(store: ServiceUnderTest) -> TicketStoreRuntime:
    assert isinstance(store.runtime, TicketStoreRuntime)
    return store.runtime


@pytest.fixture
def clock(store: ServiceUnderTest, service_clock: MovableClock) -> MovableClock:
    return service_clock


@pytest.fixture
def customer(store: ServiceUnderTest) -> Desktop:
    return Desktop(store.client, "customer")


@pytest.fixture
def manager(store: ServiceUnderTest) -> Desktop:
    return Desktop(store.client, "manager")


@pytest.fixture
def agent(store: ServiceUnderTest) -> Desktop:
    return Desktop(store.client, "agent")


@pytest.fixture
def supervisor(store: ServiceUnderTest) -> Desktop:
    return Desktop(store.client, "supervisor")
