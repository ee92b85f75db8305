"""Whatever arrives at the declaration and attachment endpoints, the answer is a 2xx or
a problem+json 4xx, never a 500, and nothing is ever half-written.

Bodies start from a valid request and are mutated field by field (removed, replaced by
any JSON value or by any text, surrogates and control characters included, unknown
fields added), or are any JSON or any bytes at all; headers (token, key, content type)
are drawn as freely. After every request the database and the file storage must hold
together: each declaration with its event in the outbox and its idempotency record,
no record without its declaration, no file without its row nor row without its file.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from intake.adapters.folder_storage import FolderStorage
from intake.settings import IntakeSettings
from ticketing_devkit.service_testing import ServiceUnderTest as Intake
from ticketing_devkit.service_testing import auth_as

from .samples import EXE, GIF, PDF, PNG, TEXT, ZIP
from .test_declarations_api import declaration
from .uploads import upload_file

ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=60)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | ANY_TEXT,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4)
    ),
    max_leaves=8,
)
# Header values as bytes: anything a server lets through (it refuses CR and LF).
HEADER_BYTES = st.binary(max_size=120).filter(lambda b: b"\r" not in b and b"\n" not in b)
FIELDS = [*declaration().keys(), "region", "attachment_ids", "unexpected"]

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# A few keys shared by the examples, so that replays and conflicts happen too.
KEYS = [f"fuzz-{uuid.uuid4().hex[:8]}-{i}" for i in range(3)]


def mostly(usual: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``usual`` most of the time: enough valid requests get through to reach the code
    behind the checks, and the odd ones still come often."""
    return st.sampled_from([True] * 4 + [False]).flatmap(
        lambda usual_now: usual if usual_now else odd
    )


def _header_for(who: str) -> st.SearchStrategy[dict[str, str | bytes]]:
    if who == "nobody":
        return st.just({})
    if who == "forger":
        return HEADER_BYTES.map(lambda value: {"Authorization": b"Bearer " + value})
    return st.just(dict(auth_as(who)))


def authorization() -> st.SearchStrategy[dict[str, str | bytes]]:
    callers = ["customer"] * 6 + ["manager"] * 2 + ["other-customer", "agent", "catalog"]
    return st.sampled_from([*callers, "nobody", "forger"]).flatmap(_header_for)


@st.composite
def mutation(draw: st.DrawFn, attachment_pool: list[str]) -> tuple[str, str, Any]:
    field = draw(st.sampled_from(FIELDS))
    action = draw(st.sampled_from(["remove", "json", "text", "attachments"]))
    if action == "json":
        return field, action, draw(JSON_VALUES)
    if action == "text":
        return field, action, draw(ANY_TEXT)
    if action == "attachments":
        ids = st.sampled_from(attachment_pool) | ANY_TEXT
        return "attachment_ids", "json", draw(st.lists(ids, max_size=12))
    return field, action, None


@st.composite
def declaration_requests(draw: st.DrawFn, attachment_pool: list[str]) -> dict[str, Any]:
    headers: dict[str, str | bytes] = dict(draw(authorization()))
    key = draw(
        mostly(
            st.builds(lambda: uuid.uuid4().hex),
            st.one_of(st.sampled_from(KEYS), HEADER_BYTES, st.none()),
        )
    )
    if key is not None:
        headers["Idempotency-Key"] = key
    content_type = draw(
        mostly(
            st.just("application/json"),
            st.sampled_from(
                [
                    "application/json; charset=utf-8",
                    "text/plain",
                    "application/x-www-form-urlencoded",
                    None,
                ]
            ),
        )
    )
    if content_type is not None:
        headers["Content-Type"] = content_type
    shape = draw(mostly(st.just("mutated"), st.sampled_from(["json", "bytes"])))
    if shape == "mutated":
        changes = draw(st.lists(mutation(attachment_pool), max_size=3))
        return {"headers": headers, "changes": changes}
    if shape == "json":
        return {"headers": headers, "json": draw(JSON_VALUES)}
    return {"headers": headers, "bytes": draw(st.binary(max_size=300))}


def body_of(drawn: dict[str, Any]) -> bytes:
    if "bytes" in drawn:
        return bytes(drawn["bytes"])
    if "json" in drawn:
        return json.dumps(drawn["json"]).encode()
    body = declaration(
        occurred_at=(datetime.now(UTC) - timedelta(minutes=30)).isoformat(),
        customer_reference=f"fuzz {uuid.uuid4().hex[:8]}",
    )
    for field, action, value in drawn["changes"]:
        if action == "remove":
            body.pop(field, None)
        else:
            body[field] = value
    return json.dumps(body).encode()


def assert_well_answered(response: httpx.Response, success: int) -> None:
    # Shown by --hypothesis-show-statistics: the mix of answers the examples got.
    event(f"status {response.status_code}")
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json", response.text
        problem = response.json()
        assert problem["status"] == response.status_code
        assert isinstance(problem["detail"], str)
        if response.status_code == 422:
            assert problem["errors"], problem
            assert all({"field", "in", "message", "code"} <= set(e) for e in problem["errors"])
    else:
        assert response.status_code == success, response.text


async def assert_nothing_half_written(intake: Intake) -> None:
    async with intake.runtime.session_factory() as session:
        broken = await session.execute(
            text(
                """
                SELECT 'declaration without its event' FROM declarations d
                  WHERE (SELECT count(*) FROM outbox o WHERE o.correlation_id = d.id) <> 1
                UNION ALL
                SELECT 'declaration without its key record' FROM declarations d
                  WHERE NOT EXISTS (SELECT 1 FROM idempotency_keys k
                                     WHERE k.declaration_id = d.id)
                UNION ALL
                SELECT 'key record without its answer' FROM idempotency_keys k
                  WHERE k.status_code IS NULL OR k.response IS NULL
                     OR NOT EXISTS (SELECT 1 FROM declarations d WHERE d.id = k.declaration_id)
                UNION ALL
                SELECT 'attachment linked to nothing' FROM attachments a
                  WHERE a.declaration_id IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM declarations d WHERE d.id = a.declaration_id)
                """
            )
        )
        assert broken.scalars().all() == []
        keys = set((await session.execute(text("SELECT storage_key FROM attachments"))).scalars())
    settings = intake.runtime.settings
    assert isinstance(settings, IntakeSettings)
    storage = FolderStorage(settings.attachments_dir)
    assert set(await storage.keys()) == keys, "a file without its row, or a row without its file"
    assert await storage.pending_count() == 0


@pytest.fixture(scope="module")
async def attachment_pool(intake: Intake) -> list[str]:
    """Uploaded files the declarations may name (and take: then they are used up)."""
    return [(await upload_file(intake, TEXT))["id"] for _ in range(3)]


@SETTINGS
@given(data=st.data())
async def test_declarations_never_fail_and_never_half_write(
    intake: Intake, attachment_pool: list[str], data: st.DataObject
) -> None:
    drawn = data.draw(declaration_requests(attachment_pool))
    response = await intake.client.post(
        "/v1/declarations", content=body_of(drawn), headers=drawn["headers"]
    )
    assert_well_answered(response, 202)
    await assert_nothing_half_written(intake)


FILES = mostly(st.sampled_from([PNG, PDF, GIF, ZIP, TEXT]), st.just(EXE) | st.binary(max_size=2000))


@st.composite
def multipart_parts(draw: st.DrawFn) -> bytes:
    name: bytes = draw(mostly(st.just(b"file"), st.just(b"other") | HEADER_BYTES.filter(_quotable)))
    disposition = b'form-data; name="' + name + b'"'
    filename: bytes | None = draw(mostly(HEADER_BYTES.filter(_quotable), st.none()))
    if filename is not None:
        disposition += b'; filename="' + filename + b'"'
    headers = b"Content-Disposition: " + disposition + b"\r\n"
    declared: bytes | None = draw(
        mostly(
            st.sampled_from([None, b"image/png", b"application/octet-stream", b"text/plain"]),
            st.just(b"text/html") | HEADER_BYTES,
        )
    )
    if declared is not None:
        headers += b"Content-Type: " + declared + b"\r\n"
    content: bytes = draw(FILES)
    return headers + b"\r\n" + content


def _quotable(value: bytes) -> bool:
    return b'"' not in value


@st.composite
def upload_requests(draw: st.DrawFn) -> dict[str, Any]:
    boundary = draw(st.sampled_from([b"fuzz-boundary-1234", b"x"]))
    parts = draw(
        mostly(
            st.lists(multipart_parts(), min_size=1, max_size=1),
            st.lists(multipart_parts(), max_size=3),
        )
    )
    body = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts)
    body += b"--" + boundary + b"--\r\n"
    cut = draw(mostly(st.none(), st.integers(min_value=0, max_value=len(body))))
    if cut is not None:
        body = body[:cut]
    body = draw(mostly(st.just(body), st.binary(max_size=500)))
    content_type = draw(
        mostly(
            st.sampled_from(
                [
                    b"multipart/form-data; boundary=" + boundary,
                    b'multipart/form-data; boundary="' + boundary + b'"',
                ]
            ),
            st.sampled_from(
                [
                    b"multipart/form-data; boundary=another",
                    b"multipart/form-data",
                    b"application/json",
                ]
            )
            | HEADER_BYTES,
        )
    )
    headers: dict[str, str | bytes] = dict(draw(authorization()))
    headers["Content-Type"] = content_type
    return {"headers": headers, "body": body}


@SETTINGS
@given(drawn=upload_requests())
async def test_uploads_never_fail_and_never_half_write(
    intake: Intake, drawn: dict[str, Any]
) -> None:
    response = await intake.client.post(
        "/v1/attachments", content=drawn["body"], headers=drawn["headers"]
    )
    assert_well_answered(response, 201)
    await assert_nothing_half_written(intake)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
async def test_downloads_of_any_id_never_fail(
    intake: Intake, attachment_pool: list[str], data: st.DataObject
) -> None:
    attachment_id = data.draw(mostly(st.sampled_from(attachment_pool), ANY_TEXT.filter(bool)))
    user = data.draw(st.sampled_from(["customer", "agent", "other-customer"]))
    response = await intake.client.get(
        "/v1/attachments/" + quote(attachment_id.encode("utf-8", "surrogatepass"), safe=""),
        headers=auth_as(user),
    )
    assert_well_answered(response, 200)
