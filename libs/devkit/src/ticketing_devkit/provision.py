"""Create and drop databases and RabbitMQ virtual hosts (for ``make run`` and tests)."""

from __future__ import annotations

import shutil
import subprocess
import urllib.parse

import asyncpg
import httpx
from sqlalchemy.engine import make_url


def admin_dsn(database_url: str) -> str:
    """The server's ``postgres`` database, as a plain asyncpg DSN."""
    url = make_url(database_url).set(drivername="postgresql", database="postgres")
    return url.render_as_string(hide_password=False)


def with_database(database_url: str, name: str) -> str:
    return make_url(database_url).set(database=name).render_as_string(hide_password=False)


async def create_database(database_url: str, *, exists_ok: bool = True) -> bool:
    """Create the database named in ``database_url``; True if it was created."""
    name = make_url(database_url).database
    assert name
    connection = await asyncpg.connect(admin_dsn(database_url))
    try:
        found = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if found:
            if not exists_ok:
                raise RuntimeError(f"database {name} exists")
            return False
        await connection.execute(f'CREATE DATABASE "{name}"')
        return True
    finally:
        await connection.close()


async def drop_database(database_url: str) -> None:
    name = make_url(database_url).database
    assert name
    connection = await asyncpg.connect(admin_dsn(database_url))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def amqp_url_with_vhost(amqp_url: str, vhost: str) -> str:
    parts = urllib.parse.urlsplit(amqp_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(vhost, safe="")))


class VirtualHosts:
    """Creates virtual hosts with ``rabbitmqctl`` here, or the management API when given."""

    def __init__(self, amqp_url: str, management_url: str | None = None) -> None:
        self._amqp = urllib.parse.urlsplit(amqp_url)
        self._management_url = management_url

    def _user(self) -> str:
        return urllib.parse.unquote(self._amqp.username or "guest")

    def create(self, vhost: str) -> None:
        if self._management_url:
            with self._http() as client:
                quoted = urllib.parse.quote(vhost, safe="")
                client.put(f"/api/vhosts/{quoted}").raise_for_status()
                client.put(
                    f"/api/permissions/{quoted}/{self._user()}",
                    json={"configure": ".*", "write": ".*", "read": ".*"},
                ).raise_for_status()
            return
        self._ctl("add_vhost", vhost)
        self._ctl("set_permissions", "-p", vhost, self._user(), ".*", ".*", ".*")

    def delete(self, vhost: str) -> None:
        if self._management_url:
            with self._http() as client:
                client.delete(f"/api/vhosts/{urllib.parse.quote(vhost, safe='')}")
            return
        self._ctl("delete_vhost", vhost, check=False)

    def _http(self) -> httpx.Client:
        assert self._management_url
        password = urllib.parse.unquote(self._amqp.password or "guest")
        return httpx.Client(
            base_url=self._management_url, auth=(self._user(), password), timeout=30
        )

    @staticmethod
    def _ctl(*args: str, check: bool = True) -> None:
        binary = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
        subprocess.run([binary, "-q", *args], check=check, capture_output=True, timeout=120)
