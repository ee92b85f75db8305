"""The portal over plain HTTP, against the running system: security headers, the
session cookie, CSRF, sign-in and out, files through the portal, the live relay."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from .system import PortalSystem

pytestmark = pytest.mark.e2e

CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
# A 1×1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f2c6a6"
    "0000000049454e44ae426082"
)


def csrf_of(page: httpx.Response) -> str:
    found = CSRF.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


@asynccontextmanager
async def browser_like(portal: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=portal, timeout=15, follow_redirects=False) as client:
        yield client


async def signed_in(client: httpx.AsyncClient, user: str) -> str:
    """Signs in as a demo user; the session's CSRF token."""
    token = csrf_of(await client.get("/auth/sign-in"))
    answer = await client.post(
        "/auth/dev-sign-in", data={"csrf_token": token, "user_key": user, "next": ""}
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(await client.get("/contacts" if user == "customer" else "/ops"))


async def test_pages_send_the_security_headers(portal_system: PortalSystem) -> None:
    async with browser_like(portal_system.portal) as client:
        for path in ("/auth/sign-in", "/static/portal.css", "/no-such-page"):
            answer = await client.get(path)
            policy = answer.headers["content-security-policy"]
            assert "script-src 'self'" in policy
            assert "style-src 'self'" in policy
            assert "frame-ancestors 'none'" in policy
            assert "unsafe-inline" not in policy
            assert answer.headers["x-content-type-options"] == "nosniff"
            assert answer.headers["referrer-policy"] == "same-origin"
            assert answer.headers["x-frame-options"] == "DENY"
        page = await client.get("/auth/sign-in")
        assert page.headers["cache-control"] == "no-store"
        assert "<script>" not in page.text
        assert " style=" not in page.text
        missing = await client.get("/no-such-page")
        assert missing.status_code == 404
        assert "Introuvable" in missing.text


async def test_the_session_cookie_and_csrf(portal_system: PortalSystem) -> None:
    async with browser_like(portal_system.portal) as client:
        first = await client.get("/auth/sign-in")
        cookie = first.headers["set-cookie"]
        assert cookie.startswith("portal_session=")
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Path=/" in cookie
        anonymous = client.cookies["portal_session"]
        token = csrf_of(first)

        refused = await client.post("/auth/dev-sign-in", data={"user_key": "customer"})
        assert refused.status_code == 403
        wrong = await client.post(
            "/auth/dev-sign-in", data={"csrf_token": "forged", "user_key": "customer"}
        )
        assert wrong.status_code == 403
        cross_site = await client.post(
            "/auth/dev-sign-in",
            data={"csrf_token": token, "user_key": "customer"},
            headers={"Sec-Fetch-Site": "cross-site"},
        )
        assert cross_site.status_code == 403

        # A next that leaves the site is not followed.
        signed = await client.post(
            "/auth/dev-sign-in",
            data={"csrf_token": token, "user_key": "customer", "next": "//evil.example/"},
        )
        assert signed.status_code == 303
        assert signed.headers["location"] == "/incidents"
        # Signing in gives a new session id (an id planted before is worth nothing).
        assert client.cookies["portal_session"] != anonymous

        # A customer has no operations console.
        assert (await client.get("/ops")).status_code == 403

        token = csrf_of(await client.get("/contacts"))
        out = await client.post("/auth/sign-out", data={"csrf_token": token})
        assert out.status_code == 303
        assert "Max-Age=0" in out.headers["set-cookie"]
        again = await client.get("/incidents?view=all")
        assert again.status_code == 303
        assert again.headers["location"] == "/auth/sign-in?next=%2Fincidents%3Fview%3Dall"


async def test_scripts_get_json_not_redirects(portal_system: PortalSystem) -> None:
    async with browser_like(portal_system.portal) as client:
        stream = await client.get("/live/incidents", headers={"Accept": "text/event-stream"})
        assert stream.status_code == 401
        assert stream.headers["content-type"] == "application/problem+json"
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready"}


async def test_the_live_stream_is_relayed_with_the_user_s_token(
    portal_system: PortalSystem,
) -> None:
    async with browser_like(portal_system.portal) as client:
        await signed_in(client, "customer")
        async with client.stream(
            "GET", "/live/incidents", headers={"Accept": "text/event-stream"}
        ) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines: list[str] = []
            async for line in stream.aiter_lines():
                lines.append(line)
                if line.startswith("event: change"):
                    break
        assert lines[0] == "retry: 3000"


async def test_files_go_through_the_portal_and_back(portal_system: PortalSystem) -> None:
    async with browser_like(portal_system.portal) as client:
        token = await signed_in(client, "customer")
        no_token = await client.post(
            "/attachments", files={"file": ("screen.png", PNG, "image/png")}
        )
        assert no_token.status_code == 403
        stored = await client.post(
            "/attachments",
            files={"file": ("écran de Lyon.png", PNG, "image/png")},
            headers={"X-CSRF-Token": token, "Accept": "application/json"},
        )
        assert stored.status_code == 201, stored.text
        attachment = stored.json()
        assert attachment["size"] == len(PNG)
        refused = await client.post(
            "/attachments",
            files={"file": ("tool.exe", b"MZ\x90\x00" + bytes(200), "image/png")},
            headers={"X-CSRF-Token": token, "Accept": "application/json"},
        )
        assert refused.status_code == 415
        assert refused.json()["detail"] == "Ce type de fichier n'est pas accepté."

        download = await client.get(f"/attachments/{attachment['id']}")
        assert download.status_code == 200
        assert download.content == PNG
        assert download.headers["content-disposition"].startswith("attachment;")

        # Declared with the file: the incident's page lists it.
        reference = f"Avec fichier {uuid.uuid4().hex[:6]}"
        form = await client.get("/declare?contract=CT-ACME-1002")
        key = re.search(r'name="idempotency_key" value="([^"]+)"', form.text)
        assert key
        now = datetime.now(ZoneInfo("Europe/Paris"))
        declared = await client.post(
            "/declare",
            data={
                "csrf_token": token,
                "idempotency_key": key.group(1),
                "contract_id": "CT-ACME-1002",
                "request_type": "incident",
                "element_id": "EL-ACME-VPN-1",
                "nature": "degraded",
                "impacted_users": "one_user",
                "main_usage": "development",
                "occurred_date": now.strftime("%Y-%m-%d"),
                "occurred_time": now.strftime("%H:%M"),
                "time_zone": "Europe/Paris",
                "customer_reference": reference,
                "description": "Le VPN est lent.",
                "interlocutor": "me",
                "notify_rows": "1",
                "attachment_id": attachment["id"],
                "attachment_name": "écran de Lyon.png",
            },
        )
        assert declared.status_code == 303, declared.text
        declaration_id = declared.headers["location"].split("declared=")[1]
        page = await client.get(f"/incidents/{declaration_id}")
        assert page.status_code == 200
        assert reference in page.text
        assert f'href="/attachments/{attachment["id"]}"' in page.text
