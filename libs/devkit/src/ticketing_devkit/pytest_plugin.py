"""Fixtures every test suite of the repository shares.

Each test run gets databases and a RabbitMQ virtual host of its own, named after the
run, and removes them at the end, so runs on one machine never see each other. The
servers are, in order: those named by ``TEST_DATABASE_URL`` / ``TEST_AMQP_URL``;
containers from testcontainers when a Docker engine answers; the local servers,
started with this machine's commands when they do not answer.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from ticketing_devkit.mailcatcher import MailCatcher
from ticketing_devkit.provision import (
    VirtualHosts,
    amqp_url_with_vhost,
    create_database,
    drop_database,
    with_database,
)
from ticketing_devkit.servers import ensure_postgres, ensure_rabbitmq

LOCAL_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
LOCAL_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"


@dataclass(frozen=True)
class TestServers:
    database_url: str
    amqp_url: str
    vhosts: VirtualHosts | None  # None: a private container, its "/" is ours alone


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def _start_postgres_container(stack: ExitStack) -> str:
    from testcontainers.postgres import PostgresContainer

    container = stack.enter_context(PostgresContainer("postgres:15", driver="asyncpg"))
    return str(container.get_connection_url())


def _start_rabbitmq_container(stack: ExitStack) -> str:
    from testcontainers.rabbitmq import RabbitMqContainer

    container = stack.enter_context(RabbitMqContainer("rabbitmq:3.13"))
    host = container.get_container_host_ip()
    port = container.get_exposed_port(container.port)
    return f"amqp://guest:guest@{host}:{port}/"


@pytest.fixture(scope="session")
def test_servers() -> Iterator[TestServers]:
    database_url = os.environ.get("TEST_DATABASE_URL")
    amqp_url = os.environ.get("TEST_AMQP_URL")
    with ExitStack() as stack:
        docker = (database_url is None or amqp_url is None) and _docker_answers()
        private_broker = False
        if database_url is None:
            if docker:
                database_url = _start_postgres_container(stack)
            else:
                database_url = LOCAL_DATABASE_URL
                ensure_postgres()
        if amqp_url is None:
            if docker:
                amqp_url = _start_rabbitmq_container(stack)
                private_broker = True
            else:
                amqp_url = LOCAL_AMQP_URL
                ensure_rabbitmq()
        vhosts = (
            None
            if private_broker
            else VirtualHosts(amqp_url, os.environ.get("TEST_RABBITMQ_MANAGEMENT_URL"))
        )
        yield TestServers(database_url, amqp_url, vhosts)


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:10]


MakeDatabase = Callable[[str], Awaitable[str]]
MakeVhost = Callable[[str], str]


@pytest.fixture(scope="session")
async def make_database(test_servers: TestServers, run_id: str) -> AsyncIterator[MakeDatabase]:
    """Create a database of this run (``t_<run>_<name>``) and return its URL."""
    created: list[str] = []

    async def make(name: str) -> str:
        url = with_database(test_servers.database_url, f"t_{run_id}_{name}")
        await create_database(url, exists_ok=False)
        created.append(url)
        return url

    yield make
    for url in created:
        await drop_database(url)


@pytest.fixture(scope="session")
def make_vhost(test_servers: TestServers, run_id: str) -> Iterator[MakeVhost]:
    """Create a RabbitMQ virtual host of this run and return its AMQP URL."""
    created: list[str] = []

    def make(name: str) -> str:
        if test_servers.vhosts is None:
            return test_servers.amqp_url
        vhost = f"t_{run_id}_{name}"
        test_servers.vhosts.create(vhost)
        created.append(vhost)
        return amqp_url_with_vhost(test_servers.amqp_url, vhost)

    yield make
    if test_servers.vhosts is not None:
        for vhost in created:
            test_servers.vhosts.delete(vhost)


@pytest.fixture
def mail_catcher() -> Iterator[MailCatcher]:
    catcher = MailCatcher().start()
    try:
        yield catcher
    finally:
        catcher.stop()


def database_name(url: str) -> str:
    name = make_url(url).database
    assert name
    return name


def pytest_configure(config: Any) -> None:
    config.addinivalue_line("markers", "slow: a long test, run by make test all the same")
