from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aio_pika.abc import AbstractRobustConnection

from ticketing_common.db.engine import SessionFactory, create_engine, create_session_factory
from ticketing_common.db.migrations import upgrade_to_head_async
from ticketing_common.messaging.connection import connect_broker
from ticketing_common.messaging.topology import QueueSpec
from ticketing_devkit.pytest_plugin import MakeDatabase, MakeVhost

from .dead_letter_support import declare, delete, new_spec

MIGRATIONS = Path(__file__).parent / "migrations"


@pytest.fixture(scope="session")
async def messaging_database_url(make_database: MakeDatabase) -> str:
    url = await make_database("common")
    await upgrade_to_head_async(MIGRATIONS, url)
    return url


@pytest.fixture(scope="session")
async def session_factory(messaging_database_url: str) -> AsyncIterator[SessionFactory]:
    engine = create_engine(messaging_database_url, pool_size=5)
    yield create_session_factory(engine)
    await engine.dispose()


@pytest.fixture(scope="session")
def amqp_url(make_vhost: MakeVhost) -> str:
    return make_vhost("common")


@pytest.fixture
async def broker(amqp_url: str) -> AsyncIterator[AbstractRobustConnection]:
    connection = await connect_broker(amqp_url, connection_name="common-tests")
    yield connection
    await connection.close()


@pytest.fixture
async def spec(broker: AbstractRobustConnection) -> AsyncIterator[QueueSpec]:
    """A consuming queue of this test alone, bound like the services' queues, with its
    dead-letter queue; both removed at the end."""
    queue_spec = new_spec()
    await declare(broker, queue_spec)
    yield queue_spec
    await delete(broker, queue_spec)
