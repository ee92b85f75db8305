"""Contacts and notification settings: the organization's contacts, and who the
declaration form proposes to notify by default, in which language."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients.base import ApiError
from portal.domain.languages import as_language
from portal.domain.notify_defaults import encode
from portal.routes.notification_defaults import NOTIFY_COOKIE, default_notify_rows
from portal.web.pages import CsrfChecked, CustomerDep

router = APIRouter()
YEAR = 365 * 24 * 3600


@router.get("/contacts")
async def contacts_page(page: CustomerDep, q: str = "") -> Response:
    query = q.strip()[:200]
    try:
        contacts = await page.portal.upstreams.intake.contacts(page.token, q=query or None)
    except ApiError as exc:
        if exc.status != 422:
            raise
        contacts = []
    everyone = contacts if not query else await page.portal.upstreams.intake.contacts(page.token)
    chosen = {row.contact_id: row.language for row in default_notify_rows(page.request)}
    return page.render(
        "contacts.html", contacts=contacts, everyone=everyone, chosen=chosen, query=query
    )


@router.post("/contacts/notifications", dependencies=[CsrfChecked])
async def save_notification_settings(request: Request, page: CustomerDep) -> Response:
    form = await request.form()
    known = {c["id"] for c in await page.portal.upstreams.intake.contacts(page.token)}
    rows: list[tuple[str, str]] = []
    for contact_id in form.getlist("notify_contact"):
        if not isinstance(contact_id, str) or contact_id not in known:
            continue
        language = form.get(f"language-{contact_id}")
        rows.append(
            (contact_id, as_language(language if isinstance(language, str) else None) or page.lang)
        )
    response = RedirectResponse("/contacts", status_code=303)
    response.set_cookie(
        NOTIFY_COOKIE,
        encode(page.principal.sub, rows),
        max_age=YEAR,
        httponly=True,
        samesite="lax",
        secure=page.portal.settings.cookie_secure,
    )
    page.flash("success", "contacts.saved")
    return response
