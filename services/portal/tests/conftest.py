"""Fixtures of the portal's tests: the whole system as processes, and a real browser."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from ticketing_devkit.mailcatcher import MailCatcher
from ticketing_devkit.processes import SERVICES, ServiceProcess, free_port, service_env
from ticketing_devkit.pytest_plugin import MakeDatabase, MakeVhost

from .chromium import LAUNCH_ARGS, ensure_chromium
from .system import PortalSystem, portal_env

REPOSITORY = Path(__file__).resolve().parents[3]
# Set to a folder (docs/screenshots) to keep the screenshots of a run there.
SCREENSHOTS_ENV = "PORTAL_SCREENSHOTS_DIR"


@pytest.fixture(scope="session")
def portal_mail() -> Iterator[MailCatcher]:
    catcher = MailCatcher().start()
    yield catcher
    catcher.stop()


@pytest.fixture(scope="session")
async def portal_system(
    make_database: MakeDatabase,
    make_vhost: MakeVhost,
    portal_mail: MailCatcher,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[PortalSystem]:
    """The four services and the portal as processes, the demo catalog loaded."""
    logs = tmp_path_factory.mktemp("portal-logs")
    attachments = tmp_path_factory.mktemp("portal-attachments")
    amqp_url = make_vhost("portal")
    system = PortalSystem()
    for name, database in SERVICES.items():
        port = free_port()
        env = service_env(
            database_url=await make_database(f"portal_{database}"),
            amqp_url=amqp_url,
            smtp_url=portal_mail.url,
            port=port,
        )
        env["ATTACHMENTS_DIR"] = str(attachments)
        system.services[name] = ServiceProcess(name, port, env, logs / f"{name}.log")
    port = free_port()
    system.services["portal"] = ServiceProcess(
        "portal", port, portal_env(system, port), logs / "portal.log"
    )
    system["intake"].run("load-catalog", str(REPOSITORY / "deploy" / "demo" / "catalog.json"))
    for process in system.services.values():
        process.start()
    try:
        await system.wait_ready()
        yield system
    finally:
        codes = {name: process.stop() for name, process in system.services.items()}
        assert all(code in (0, -15) for code in codes.values()), (
            f"processes did not stop cleanly: {codes}\n{system['portal'].log_tail()}"
        )


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    executable = ensure_chromium()
    async with async_playwright() as playwright:
        # launch() gives every run a fresh temporary profile (user data dir).
        launched = await playwright.chromium.launch(
            executable_path=str(executable), args=LAUNCH_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    wanted = os.environ.get(SCREENSHOTS_ENV)
    folder = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def new_context(browser: Browser, locale: str = "fr-FR") -> BrowserContext:
    context = await browser.new_context(
        locale=locale, viewport={"width": 1280, "height": 900}, timezone_id="Europe/Paris"
    )
    context.set_default_timeout(15_000)
    return context


async def sign_in(page: Page, portal: str, user_key: str) -> None:
    await page.goto(f"{portal}/auth/sign-in")
    await page.locator(f"#user-{user_key}").check()
    await page.locator("form.dev-sign-in button[type=submit]").click()
    await page.wait_for_url(lambda url: "/auth/sign-in" not in url)
