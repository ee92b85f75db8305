"""In a real browser: the pages in French and English, one incident however often the form
is sent, and a customer of another organization who cannot open the incident."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from ticketing_common.messaging.connection import connect_broker
from ticketing_common.messaging.publisher import ConfirmedPublisher

from .conftest import new_context, sign_in
from .system import PortalSystem
from .test_browser_journey import fill_declaration

pytestmark = pytest.mark.e2e


async def filled_form(page: Page, portal: str, reference: str) -> str:
    """The declaration form filled in the browser, as the urlencoded body it would send."""
    await page.goto(f"{portal}/declare?contract=CT-ACME-1001")
    await fill_declaration(page, reference, "astreinte@example.com")
    body: str = await page.evaluate(
        "new URLSearchParams(new FormData(document.getElementById('declaration'))).toString()"
    )
    return body


async def send(page: Page, portal: str, body: str) -> Any:
    return await page.request.post(
        f"{portal}/declare",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        max_redirects=0,
    )


async def listed(page: Page, portal: str, reference: str, *, with_number: bool) -> Any:
    """The list's rows with this reference, once registered (read through the portal)."""
    row = page.locator("#incident-rows tr", has_text=reference)
    await page.goto(f"{portal}/incidents?view=all&q={reference.replace(' ', '+')}")
    if with_number:
        await expect(row.locator("td.number")).to_have_text(re.compile(r"INC\d{7}"), timeout=30_000)
    return row


async def test_validating_twice_creates_one_incident(
    portal_system: PortalSystem, browser: Browser
) -> None:
    portal = portal_system.portal
    reference = f"Double clic {uuid.uuid4().hex[:6]}"
    context = await new_context(browser)
    try:
        page = await context.new_page()
        await sign_in(page, portal, "customer")
        body = await filled_form(page, portal, reference)
        assert "idempotency_key=portal-" in body
        first, second = await send(page, portal, body), await send(page, portal, body)
        assert first.status == second.status == 303
        assert first.headers["location"] == second.headers["location"]
        # The form itself validated a third time, as a person would: still one.
        await page.get_by_role("button", name="Valider").click()
        await page.wait_for_url(re.compile(r"/incidents\?declared="))
        assert page.url.endswith(first.headers["location"])
        row = await listed(page, portal, reference, with_number=True)
        await expect(row).to_have_count(1)
    finally:
        await context.close()


async def test_pages_in_french_and_english(
    portal_system: PortalSystem, browser: Browser, screenshots: Path
) -> None:
    portal = portal_system.portal
    context = await new_context(browser, "en-GB")
    try:
        page = await context.new_page()
        # The browser's language first.
        await page.goto(f"{portal}/auth/sign-in")
        await expect(page.locator("html")).to_have_attribute("lang", "en")
        await expect(page.locator("h1")).to_have_text("Sign in")
        await page.screenshot(path=str(screenshots / "sign-in-en.png"))
        # The switch, remembered.
        await page.get_by_role("link", name="Français").click()
        await expect(page.locator("html")).to_have_attribute("lang", "fr")
        await expect(page.locator("h1")).to_have_text("Connexion")
        await page.goto(f"{portal}/auth/sign-in")
        await expect(page.locator("h1")).to_have_text("Connexion")

        await sign_in(page, portal, "manager")
        await expect(page.locator("h1")).to_have_text("Mes incidents")
        await expect(page.get_by_label("Référence ou numéro")).to_be_visible()
        await page.get_by_role("link", name="English").click()
        await expect(page).to_have_url(re.compile(r"/incidents$"))
        await expect(page.locator("h1")).to_have_text("My incidents")
        await expect(page.get_by_label("Reference or number")).to_be_visible()

        await page.goto(f"{portal}/declare?contract=CT-ACME-1002")
        await expect(page.locator("h1")).to_have_text("Report an incident")
        await expect(page.get_by_label("Nature of the incident")).to_be_visible()
        await expect(page.get_by_label("Myself (Marc Lefèvre)")).to_be_checked()
        await page.get_by_role("link", name="Français").click()
        await expect(page.get_by_label("Nature de l'incident")).to_be_visible()
        await page.get_by_role("link", name="English").click()

        await page.goto(f"{portal}/dashboard")
        await expect(page.locator("h1")).to_have_text("Dashboard")
        await page.screenshot(path=str(screenshots / "dashboard-en.png"), full_page=True)
        await page.goto(f"{portal}/map")
        await expect(page.locator("h1")).to_have_text("Site map")
        # Acmé's three sites, drawn from their coordinates, no tiles.
        await expect(page.locator("svg .site circle")).to_have_count(3)
        await expect(page.locator("svg")).to_contain_text("Lyon Part-Dieu")
        await page.screenshot(path=str(screenshots / "map-en.png"), full_page=True)
        await page.goto(f"{portal}/contacts")
        await expect(page.locator("h1")).to_have_text("Contacts and notifications")

        # The session's cookie is out of the scripts' reach.
        cookies = await page.evaluate("document.cookie")
        assert "portal_session" not in cookies
    finally:
        await context.close()


async def test_another_organization_cannot_open_the_incident(
    portal_system: PortalSystem, browser: Browser
) -> None:
    portal = portal_system.portal
    reference = f"Confidentiel {uuid.uuid4().hex[:6]}"
    claire_context = await new_context(browser)
    john_context = await new_context(browser, "en-GB")
    try:
        claire = await claire_context.new_page()
        await sign_in(claire, portal, "customer")
        sent = await send(claire, portal, await filled_form(claire, portal, reference))
        declaration_id = sent.headers["location"].split("declared=")[1]
        row = await listed(claire, portal, reference, with_number=True)
        number = (await row.locator("td.number").inner_text()).strip()
        await claire.goto(f"{portal}/incidents/{number}")
        await expect(claire.locator("h1")).to_contain_text(reference)

        john = await john_context.new_page()
        await sign_in(john, portal, "other-customer")
        for path in (f"/incidents/{number}", f"/incidents/{declaration_id}"):
            answer = await john.goto(f"{portal}{path}")
            assert answer is not None
            assert answer.status == 404
            await expect(john.locator("h1")).to_have_text("Not found")
            await expect(john.locator("main")).not_to_contain_text(reference)
        answer = await john.goto(f"{portal}/incidents/{number}/live")
        assert answer is not None
        assert answer.status == 404
        await john.goto(f"{portal}/incidents?view=all&q={number}")
        await expect(john.locator("#incident-rows")).not_to_contain_text(reference)
        await expect(john.locator("#incident-rows")).to_contain_text("No incident.")
    finally:
        await claire_context.close()
        await john_context.close()


async def publish_poison(system: PortalSystem, message_id: str) -> None:
    """A message no consumer can read, on the route of incident.declared."""
    broker = await connect_broker(system["search"].env["AMQP_URL"], connection_name="portal-test")
    try:
        publisher = ConfirmedPublisher(broker)
        await publisher.publish(
            routing_key="incident.declared",
            body=b"{this is not json",
            message_id=message_id,
            event_type="incident.declared.v1",
            correlation_id=message_id,
        )
        await publisher.close()
    finally:
        await broker.close()


async def test_a_supervisor_reads_and_replays_a_dead_letter(
    portal_system: PortalSystem, browser: Browser, screenshots: Path
) -> None:
    portal = portal_system.portal
    message_id = f"poison-{uuid.uuid4().hex[:8]}"
    await publish_poison(portal_system, message_id)
    context = await new_context(browser, "en-GB")
    try:
        page = await context.new_page()
        await sign_in(page, portal, "supervisor")
        # Léa reads French by default (her profile); she switches to English.
        await page.get_by_role("link", name="English").click()
        await page.get_by_role("link", name="Dead letters").click()
        search = page.locator("section", has=page.locator("#dl-search"))
        letter = search.locator("tr", has_text=message_id)
        for _ in range(30):
            if await letter.count():
                break
            await page.wait_for_timeout(500)
            await page.reload()
        await expect(letter).to_have_count(1)
        await expect(letter).to_contain_text("incident.declared.v1")
        await page.screenshot(path=str(screenshots / "dead-letters-en.png"), full_page=True)
        await letter.get_by_role("link").click()
        await expect(page.locator("h1")).to_contain_text("Dead letter")
        await expect(page.locator(".message-body")).to_have_text("{this is not json")
        await page.get_by_role("button", name="Replay").click()
        await expect(page.locator(".flash")).to_have_text("Replayed.")
    finally:
        await context.close()
