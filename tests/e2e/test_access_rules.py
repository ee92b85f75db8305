"""Generated from every service's OpenAPI: nobody reaches what is not theirs.

For every operation: it declares who may call it (``x-access``); no token, an expired
token, a token signed with another key, an unsigned token are 401 with
``WWW-Authenticate``; each role it does not admit is 403; a customer of another
organization gets 404 for the first organization's objects and never sees them in a
list; a visitor outside their perimeter likewise. No answer is a 5xx.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from ticketing_devkit.demo import demo_user
from ticketing_devkit.processes import System

from .access_probe import BAD_TOKENS, Operation, bearer, users_admitted_by, users_refused_by
from .access_samples import (
    BODIES,
    HEADERS,
    NAMES_OBJECTS_IN_BODY,
    AcmeObjects,
    declaration_body,
    markers_of_acme,
    markers_outside_perimeter,
    path_values,
)
from .service_operations import all_operations, openapi_documents

OPERATIONS = all_operations()
PROTECTED = [operation for operation in OPERATIONS if operation.scope != "public"]
CUSTOMER_ROLES = {"customer:visitor", "customer:manager"}


def test_every_operation_declares_who_may_call_it() -> None:
    undeclared = [op.name for op in OPERATIONS if op.scope == "undeclared"]
    assert not undeclared, f"operations without an access rule (x-access): {undeclared}"
    for operation in PROTECTED:
        assert operation.roles, f"{operation.name} admits no role"
        assert operation.path.startswith("/v1/"), f"{operation.name} is protected outside /v1"
    public = {op.path for op in OPERATIONS if op.scope == "public"}
    assert public <= {"/healthz", "/readyz", "/metrics"}, public


async def test_the_running_services_serve_the_documents_tested_here(system: System) -> None:
    expected = openapi_documents()
    async with httpx.AsyncClient(timeout=10) as client:
        for name, document in expected.items():
            served = (await client.get(f"{system.url(name)}/openapi.json")).json()
            assert served["paths"].keys() == document["paths"].keys(), name


async def _upload(client: httpx.AsyncClient, system: System, user: str) -> str:
    response = await client.post(
        f"{system.url('intake')}/v1/attachments",
        files={"file": ("probe.txt", b"Journal du routeur\n", "text/plain")},
        headers=bearer(demo_user(user).token()),
    )
    assert response.status_code == 201, response.text
    attachment_id: str = response.json()["id"]
    return attachment_id


async def _declare(
    client: httpx.AsyncClient,
    system: System,
    user: str,
    contract: str,
    element: str,
    attachment: str,
) -> str:
    response = await client.post(
        f"{system.url('intake')}/v1/declarations",
        json=declaration_body(contract, element, [attachment]),
        headers={**bearer(demo_user(user).token()), **HEADERS[("post", "/v1/declarations")]()},
    )
    assert response.status_code == 202, response.text
    declaration_id: str = response.json()["declaration_id"]
    return declaration_id


async def _ticket_of(client: httpx.AsyncClient, system: System, declaration_id: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        view = await client.get(
            f"{system.url('intake')}/v1/declarations/{declaration_id}",
            headers=bearer(demo_user("manager").token()),
        )
        number = view.json().get("ticket_number")
        if number:
            return str(number)
        await asyncio.sleep(0.1)
    raise AssertionError("the probe's declaration got no ticket")


@pytest.fixture(scope="session")
async def acme(system: System) -> AcmeObjects:
    async with httpx.AsyncClient(timeout=10) as client:
        file_inside = await _upload(client, system, "customer")
        file_outside = await _upload(client, system, "manager")
        inside = await _declare(
            client, system, "customer", "CT-ACME-1001", "EL-ACME-FE-1", file_inside
        )
        outside = await _declare(
            client, system, "manager", "CT-ACME-1003", "EL-ACME-BKP-1", file_outside
        )
        objects = AcmeObjects(
            attachment_in_perimeter=file_inside,
            attachment_outside=file_outside,
            declaration_in_perimeter=inside,
            ticket_in_perimeter=await _ticket_of(client, system, inside),
            declaration_outside=outside,
            ticket_outside=await _ticket_of(client, system, outside),
        )
        # Let every projection catch up before anything is asked of it.
        await asyncio.sleep(1.0)
        return objects


@pytest.fixture(scope="session")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=15) as client:
        yield client


def _request_parts(
    operation: Operation, objects: AcmeObjects, *, outside: bool
) -> tuple[str, dict[str, str], Any]:
    values = path_values(objects, outside=outside)
    missing = [name for name in operation.path_parameters if name not in values]
    assert not missing, (
        f"{operation.name}: no sample for path parameters {missing}; "
        "add them to tests/e2e/access_samples.py"
    )
    path = operation.path.format(**{name: values[name] for name in operation.path_parameters})
    key = (operation.method, operation.path)
    body = None
    if operation.has_body:
        assert key in BODIES, (
            f"{operation.name}: no sample body; add one to tests/e2e/access_samples.py"
        )
        body = BODIES[key](objects, outside)
    headers = HEADERS[key]() if key in HEADERS else {}
    return path, headers, body


async def _call(
    client: httpx.AsyncClient,
    system: System,
    operation: Operation,
    path: str,
    headers: dict[str, str],
    body: Any,
) -> tuple[int, dict[str, str], str]:
    url = system.url(operation.service) + path
    request = client.build_request(operation.method.upper(), url, json=body, headers=headers)
    response = await client.send(request, stream=True)
    try:
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            # A live stream never ends: what it sends first is what we judge.
            text = ""
            try:
                async with asyncio.timeout(1.5):
                    async for chunk in response.aiter_text():
                        text += chunk
            except TimeoutError:
                pass
        else:
            text = (await response.aread()).decode(errors="replace")
        return response.status_code, dict(response.headers), text
    finally:
        await response.aclose()


@pytest.mark.parametrize("operation", PROTECTED, ids=lambda op: op.name)
async def test_bad_tokens_are_turned_away(
    operation: Operation, system: System, acme: AcmeObjects, client: httpx.AsyncClient
) -> None:
    path, headers, body = _request_parts(operation, acme, outside=False)
    for what, auth in BAD_TOKENS.items():
        status, answer_headers, text = await _call(
            client, system, operation, path, {**headers, **auth}, body
        )
        assert status == 401, f"{operation.name} with {what}: {status} {text[:200]}"
        assert answer_headers.get("www-authenticate", "").startswith("Bearer"), what
        assert answer_headers.get("content-type") == "application/problem+json", what


@pytest.mark.parametrize("operation", PROTECTED, ids=lambda op: op.name)
async def test_roles_the_operation_does_not_admit_are_forbidden(
    operation: Operation, system: System, acme: AcmeObjects, client: httpx.AsyncClient
) -> None:
    path, headers, body = _request_parts(operation, acme, outside=False)
    for user in users_refused_by(operation):
        status, _h, text = await _call(
            client, system, operation, path, {**headers, **bearer(user.token())}, body
        )
        assert status == 403, f"{operation.name} by {user.key}: {status} {text[:200]}"


def _customers_admitted(operation: Operation) -> bool:
    return bool(operation.roles & CUSTOMER_ROLES)


@pytest.mark.parametrize(
    "operation", [op for op in PROTECTED if _customers_admitted(op)], ids=lambda op: op.name
)
async def test_another_organization_reaches_nothing(
    operation: Operation, system: System, acme: AcmeObjects, client: httpx.AsyncClient
) -> None:
    path, headers, body = _request_parts(operation, acme, outside=False)
    stranger = demo_user("other-customer")
    status, _h, text = await _call(
        client, system, operation, path, {**headers, **bearer(stranger.token())}, body
    )
    _judge(operation, status, text, markers_of_acme(acme), who="another organization")


@pytest.mark.parametrize(
    "operation", [op for op in PROTECTED if "customer:visitor" in op.roles], ids=lambda op: op.name
)
async def test_a_visitor_reaches_nothing_outside_their_perimeter(
    operation: Operation, system: System, acme: AcmeObjects, client: httpx.AsyncClient
) -> None:
    path, headers, body = _request_parts(operation, acme, outside=True)
    visitor = demo_user("customer")
    status, _h, text = await _call(
        client, system, operation, path, {**headers, **bearer(visitor.token())}, body
    )
    _judge(operation, status, text, markers_outside_perimeter(acme), who="a visitor outside")


def _judge(
    operation: Operation, status: int, text: str, markers: tuple[str, ...], who: str
) -> None:
    assert status < 500, f"{operation.name} by {who}: {status} {text[:300]}"
    if operation.path_parameters:
        assert status == 404, f"{operation.name} by {who}: expected 404, got {status}"
        return
    if (operation.method, operation.path) in NAMES_OBJECTS_IN_BODY:
        # The objects are named in the body: refused as unknown, like objects that do
        # not exist.
        assert status in (404, 422), f"{operation.name} by {who}: {status} {text[:300]}"
    leaked = [marker for marker in markers if marker in text]
    assert not leaked, f"{operation.name} by {who} leaked {leaked}: {text[:300]}"


@pytest.mark.parametrize("operation", PROTECTED, ids=lambda op: op.name)
async def test_admitted_callers_get_no_server_error(
    operation: Operation, system: System, acme: AcmeObjects, client: httpx.AsyncClient
) -> None:
    path, headers, body = _request_parts(operation, acme, outside=False)
    for user in users_admitted_by(operation):
        status, _h, text = await _call(
            client, system, operation, path, {**headers, **bearer(user.token())}, body
        )
        assert status < 500, f"{operation.name} by {user.key}: {status} {text[:300]}"
        assert status not in (401, 403), f"{operation.name} by {user.key}: {status}"
