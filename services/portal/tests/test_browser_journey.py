"""In a real browser (Debian's Chromium, driven by Playwright): a customer declares an
incident through the form, corrects a field the API refused, sees the declaration appear
in the list as "registering" then with its number, and sees its status change, without
reloading, while an agent works it in the operations console in another browser
context. Screenshots of the main pages are kept (see conftest ``screenshots``)."""

from __future__ import annotations

import re
import signal
import uuid
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from .conftest import new_context, sign_in
from .system import PortalSystem

pytestmark = pytest.mark.e2e


async def fill_declaration(page: Page, reference: str, notify_email: str) -> None:
    """Steps 2 to 4 of the form, as a person would fill them."""
    await page.get_by_label("Flexible Engine production").check()
    await page.locator("#region").select_option("eu-west-0")
    await page.locator("#nature").select_option("unavailable")
    await page.locator("#impacted_users").select_option("one_site")
    await page.locator("#main_usage").select_option("production")
    await page.locator("#customer_reference").fill(reference)
    await page.locator("#description").fill(
        "Depuis ce matin, aucun utilisateur du site de Lyon n'atteint le VPN."
    )
    await page.locator("#site_id").select_option("SITE-ACME-LYON")
    await page.locator("#onsite_name").fill("Jeanne Martin")
    await page.locator("#onsite_phone").fill("+33 4 72 00 00 01")
    await page.locator("#notify-0-email").fill(notify_email)
    await page.locator("#notify-0-language").select_option("en")


async def test_declare_follow_live_while_an_agent_works_it(
    portal_system: PortalSystem, browser: Browser, screenshots: Path
) -> None:
    portal = portal_system.portal
    reference = f"VPN Lyon {uuid.uuid4().hex[:6]}"
    customer_context = await new_context(browser, "fr-FR")
    agent_context = await new_context(browser, "en-GB")
    try:
        customer = await customer_context.new_page()
        await sign_in(customer, portal, "customer")
        await expect(customer.locator("h1")).to_have_text("Mes incidents")

        # Step 1: the contract and the request type.
        await customer.get_by_role("link", name="Déclarer un incident").first.click()
        await customer.locator("#contract").select_option("CT-ACME-1001")
        await customer.get_by_role("button", name="Continuer").click()
        await expect(customer.locator("#declaration")).to_be_visible()
        await customer.screenshot(path=str(screenshots / "declare-fr.png"), full_page=True)

        # A bad address: the API's 422 comes back at its field, nothing typed is lost.
        await fill_declaration(customer, reference, "astreinte-at-example.com")
        await customer.get_by_role("button", name="Valider").click()
        email = customer.locator("#notify-0-email")
        await expect(email).to_have_attribute("aria-invalid", "true")
        await expect(email).to_have_attribute("aria-describedby", "notify-0-email-error")
        await expect(customer.locator("#notify-0-email-error")).to_have_text(
            "Saisissez une adresse e-mail valide, comme nom@exemple.fr."
        )
        await expect(customer.locator("#error-summary")).to_be_focused()
        await expect(customer.locator("#customer_reference")).to_have_value(reference)
        await expect(customer.locator("#description")).to_contain_text("site de Lyon")
        await expect(customer.locator("#site_id")).to_have_value("SITE-ACME-LYON")
        await expect(customer.locator("#region")).to_have_value("eu-west-0")
        await customer.screenshot(path=str(screenshots / "declare-error-fr.png"), full_page=True)

        # Corrected, and validated while the ticket store is held: the list shows the
        # declaration "registering" first.
        await email.fill("astreinte@example.com")
        ticket_store = portal_system["ticket-store"].process
        assert ticket_store is not None
        ticket_store.send_signal(signal.SIGSTOP)
        try:
            await customer.get_by_role("button", name="Valider").click()
            await customer.wait_for_url(re.compile(r"/incidents\?declared="))
            await expect(customer.locator(".flash")).to_contain_text("déclaration est enregistrée")
            row = customer.locator("#incident-rows tr", has_text=reference)
            await expect(row).to_have_count(1)
            await expect(row.locator(".status")).to_have_text("En cours d'enregistrement")
            await expect(row).to_contain_text("numéro à venir")
            await customer.screenshot(path=str(screenshots / "list-registering-fr.png"))
            # From here on, the page must never reload: this mark would vanish.
            await customer.evaluate("window.__notReloaded = true")
        finally:
            ticket_store.send_signal(signal.SIGCONT)

        # The ticket number arrives through the live stream.
        number_cell = row.locator("td.number")
        await expect(number_cell).to_have_text(re.compile(r"INC\d{7}"), timeout=30_000)
        await expect(row.locator(".status")).to_have_text("Nouveau")
        ticket_number = (await number_cell.inner_text()).strip()
        await expect(customer.locator("#live-state")).to_have_text("Mis à jour en direct")
        await customer.screenshot(path=str(screenshots / "list-fr.png"))

        # An agent, in another browser context, acknowledges it in the console.
        agent = await agent_context.new_page()
        await sign_in(agent, portal, "agent")
        await expect(agent.locator("h1")).to_have_text("Ticket queues")
        await agent.get_by_role("link", name=ticket_number).click()
        await expect(agent.locator("h1")).to_contain_text(ticket_number)
        await agent.screenshot(path=str(screenshots / "console-ticket-en.png"), full_page=True)
        await agent.get_by_role("button", name="Acknowledge").click()
        await expect(agent.locator(".flash")).to_have_text("Ticket acknowledged.")
        await expect(agent.locator("#incident-status")).to_have_attribute(
            "data-status", "acknowledged"
        )

        # The customer's list, untouched, follows.
        await expect(row.locator(".status")).to_have_text("Pris en compte", timeout=30_000)
        assert await customer.evaluate("window.__notReloaded === true")

        # Then the agent starts work and asks a question; the customer sees it live.
        await agent.get_by_role("button", name="Start work").click()
        await expect(agent.locator(".flash")).to_have_text("Work started.")
        await agent.locator("#request_info-text").fill("Which VPN client version do you use?")
        await agent.get_by_role("button", name="Request information").click()
        await expect(agent.locator(".flash")).to_have_text("Information requested.")
        await expect(row.locator(".status")).to_have_text(
            "En attente de votre réponse", timeout=30_000
        )
        assert await customer.evaluate("window.__notReloaded === true")

        # The customer opens the incident, reads the question and answers it.
        await row.get_by_role("link").click()
        await expect(customer.locator("h1")).to_contain_text(reference)
        await expect(customer.locator(".timeline")).to_contain_text(
            "Which VPN client version do you use?"
        )
        await customer.locator("#comment-text").fill("Version 5.2, sur Windows 11.")
        await customer.get_by_role("button", name="Envoyer l'information").click()
        await expect(customer.locator(".flash")).to_have_text("Votre information est ajoutée.")
        await expect(customer.locator("#incident-status")).to_have_attribute(
            "data-status", "in_progress"
        )
        await customer.screenshot(path=str(screenshots / "incident-fr.png"), full_page=True)

        # The agent's ticket page follows live too, then the agent resolves it.
        await expect(agent.locator("#incident-status")).to_have_attribute(
            "data-status", "in_progress", timeout=30_000
        )
        await agent.reload()
        await agent.locator("#resolve-text").fill("The VPN gateway was restarted.")
        await agent.get_by_role("button", name="Resolve").click()
        await expect(agent.locator(".flash")).to_have_text("Ticket resolved.")

        # The customer, on the incident page, sees "Résolu" arrive and confirms.
        await expect(customer.locator("#incident-status")).to_have_attribute(
            "data-status", "resolved", timeout=30_000
        )
        await customer.reload()
        await customer.get_by_role("button", name="Confirmer la résolution").click()
        await expect(customer.locator(".flash")).to_have_text("Résolution confirmée.")
        await expect(customer.locator("#incident-status")).to_have_attribute(
            "data-status", "closed"
        )

        # The agent follows every event of this incident by its correlation id.
        await agent.get_by_role("link", name="Every event of this incident").click()
        events = agent.locator("#event-rows")
        await expect(events).to_contain_text("incident.declared.v1")
        await expect(events.locator("tr", has_text="ticket.updated.v1")).to_have_count(
            7, timeout=30_000
        )
        await agent.screenshot(path=str(screenshots / "events-en.png"), full_page=True)
    finally:
        await customer_context.close()
        await agent_context.close()
