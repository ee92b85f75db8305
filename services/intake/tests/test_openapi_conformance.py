"""Schemathesis drives intake from its own OpenAPI document: every operation, with
generated valid and invalid input, must answer without a server error and as the
document says (status codes, content types, headers, body schemas).

Schemathesis calls the ASGI app in-process from an event loop thread of its own, so the
app gets a runtime of its own here (same database as the other tests, its own engine),
started on that loop. Each request carries the
token of a user whose roles fit the operation, so generation reaches the code behind
the access checks; schemathesis's ``ignored_auth`` check also tries without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance
from starlette.types import Receive, Scope, Send

from intake.bootstrap import build_app, build_runtime
from intake.settings import IntakeSettings
from ticketing_common.runtime import ServiceRuntime
from ticketing_devkit.service_testing import auth_as

Case = schemathesis.Case[Any]

# Examples per operation: about twenty operations, so the run stays within a minute or two.
EXAMPLES_PER_OPERATION = 20


class LateApp:
    """The ASGI app schemathesis calls, built once the test database exists.

    The schema is read when this module is imported (each operation becomes a test of
    its own), before any fixture has run; the calls go through this stand-in to the
    app the fixture builds on the test database. Schemathesis ends an app's lifespan
    after every test; the stand-in keeps the runtime running across them (started once,
    on schemathesis's event loop, where every request runs) until the fixture closes it.
    """

    def __init__(self) -> None:
        self.app: FastAPI | None = None
        self.runtime: ServiceRuntime | None = None
        self.closing = False
        self._running = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.app is not None, "the conformance_app fixture builds the app"
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        assert self.runtime is not None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if not self._running:
                    await self.runtime.start(workers=False)
                    self._running = True
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.closing and self._running:
                    await self.runtime.stop()
                    self._running = False
                await send({"type": "lifespan.shutdown.complete"})
                return


LATE_APP = LateApp()
# The document only: no connection is made, whatever the environment says.
DOCUMENT = build_app(
    build_runtime(IntakeSettings(environment="test", database_url="postgresql+asyncpg://-/-"))
).openapi()
schema = schemathesis.openapi.from_dict(DOCUMENT).exclude(
    # The dead-letter operations come from the shared library, checked with it; their
    # findings are reported to its owner rather than hidden here.
    path_regex="^/v1/dead-letters",
)
schema.app = LATE_APP


@pytest.fixture(scope="module")
def conformance_app(intake_settings: IntakeSettings) -> Iterator[FastAPI]:
    runtime = build_runtime(intake_settings.model_copy(update={"run_workers": False}))
    LATE_APP.runtime, LATE_APP.app = runtime, build_app(runtime)
    yield LATE_APP.app
    # One last lifespan, to stop the runtime on the loop it runs on: its connections
    # are released before the test database is dropped.
    LATE_APP.closing = True
    with asgi.get_client(cast("asgi.ASGIApp", LATE_APP)):
        pass
    asgi.shutdown_lifespans()
    LATE_APP.app = LATE_APP.runtime = None
    LATE_APP.closing = False


def caller_for(method: str, path: str) -> str:
    """A user whose roles may call the operation."""
    if path.startswith("/v1/catalog/"):
        return "catalog" if method == "PUT" else "agent"
    if path.startswith("/v1/dead-letters"):
        return "supervisor"
    return "customer"


@schema.auth(refresh_interval=None)
class DemoUserToken:
    """Each operation is called with the token of a user allowed to call it; schemathesis
    knows the header is its auth, and also calls without it to check the 401."""

    def get(self, case: Case, context: schemathesis.AuthContext) -> str:
        return auth_as(caller_for(case.method.upper(), case.path))["Authorization"]

    def set(self, case: Case, data: str, context: schemathesis.AuthContext) -> None:
        case.headers["Authorization"] = data


@schema.parametrize()
@pytest.mark.usefixtures("conformance_app")
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_intake_keeps_the_promises_of_its_openapi(case: Case) -> None:
    case.call_and_validate(
        # Input the schema allows may still be refused (422) by the catalog's rules: a
        # contract id of the right shape that is not the caller's, a time in the future.
        excluded_checks=[positive_data_acceptance],
    )
