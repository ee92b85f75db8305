"""Declaring an incident, in the customer space's steps.

1. The contract and the request type (a GET form: the page shows the next steps for it),
   or a search for the element by contract number or service name.
2. The concerned element (and its region).
3. The description: nature, impacted users, main usage, date and time (now proposed),
   the customer's reference, the text, files (uploaded with progress by the page's
   script, see ``attachments``).
4. The follow-up: impacted site, on-site correspondent, interlocutor ("choose
   another"), contacts to notify with their language ("add a contact").
5. Cancel, or validate.

The idempotency key is made when the form is first shown and travels in it, so a double
click, a resend after a timeout or a page sent back with errors all declare once.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from portal.clients.base import JSON, ApiError, ServiceUnavailable
from portal.domain.declaration_form import (
    MAX_NOTIFY_ROWS,
    Built,
    Draft,
    FieldProblem,
    build,
    draft_from_form,
    empty_draft,
    new_idempotency_key,
    problems_from_api,
)
from portal.routes.notification_defaults import default_notify_rows
from portal.web.pages import CsrfChecked, CustomerDep, Page

router = APIRouter()


async def _catalog(page: Page, contract_id: str, query: str) -> dict[str, Any]:
    """What the form picks from; every list is the caller's, as intake scopes it."""
    intake = page.portal.upstreams.intake
    token = page.token
    contracts, reference, sites, contacts = await asyncio.gather(
        intake.contracts(token),
        intake.reference(token),
        intake.sites(token),
        intake.contacts(token),
    )
    elements: list[JSON] = []
    if contract_id:
        try:
            elements = await intake.elements(token, contract=contract_id)
        except ApiError as exc:
            if exc.status not in (404, 422):
                raise
    found: list[JSON] = []
    if query:
        try:
            found = await intake.elements(token, q=query)
        except ApiError as exc:
            if exc.status != 422:
                raise
    return {
        "contracts": contracts,
        "reference": reference,
        "sites": sites,
        "contacts": contacts,
        "elements": elements,
        "found_elements": found,
        "contract_names": {
            c["id"]: f"{c.get('number', '')} – {c.get('label', '')}" for c in contracts
        },
    }


def _messages(page: Page, problems: list[FieldProblem]) -> tuple[dict[str, list[str]], list[str]]:
    """Messages per control, and those for the whole form, in the page's language."""
    by_control: dict[str, list[str]] = defaultdict(list)
    general: list[str] = []
    for problem in problems:
        text = _problem_text(page, problem)
        if problem.control is None:
            general.append(text)
        else:
            by_control[problem.control].append(text)
    return dict(by_control), general


def _problem_text(page: Page, problem: FieldProblem) -> str:
    local = {
        "missing": "field.required",
        "date": "field.bad_date",
        "time": "field.bad_time",
        "request_type": "field.bad_request_type",
    }
    if problem.code in local:
        return page.t(local[problem.code])
    # The services word their refusals in English; a bad address is common enough to
    # be said in the reader's language.
    if problem.control is not None and problem.control.endswith("-email"):
        return page.t("field.bad_email")
    return problem.message or page.t("field.invalid")


async def _render(
    page: Page,
    draft: Draft,
    *,
    query: str = "",
    problems: list[FieldProblem] | None = None,
    status_code: int = 200,
    focus: str | None = None,
) -> Response:
    catalog = await _catalog(page, draft["contract_id"], query)
    errors, general = _messages(page, problems or [])
    uploads = await page.portal.upstreams.intake.supports_uploads()
    return page.render(
        "declare.html",
        status_code=status_code,
        draft=draft,
        query=query,
        errors=errors,
        general_errors=general,
        focus=focus,
        uploads_available=uploads,
        max_upload_bytes=page.portal.settings.portal_max_upload_bytes,
        max_notify_rows=MAX_NOTIFY_ROWS,
        **catalog,
    )


@router.get("/declare")
async def declaration_form(
    page: CustomerDep, contract: str = "", element: str = "", q: str = ""
) -> Response:
    draft = empty_draft(
        now=datetime.now(UTC),
        zone_name=page.portal.settings.portal_time_zone,
        language=page.lang,
        contract_id=contract[:100],
        element_id=element[:100],
    )
    defaults = default_notify_rows(page.request)
    if defaults:
        draft = Draft(values=draft.values, notify=defaults, attachments=())
    return await _render(page, draft, query=q[:200])


def _form_lists(form: Any) -> dict[str, list[str]]:
    return {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}


@router.post("/declare", dependencies=[CsrfChecked])
async def declare(request: Request, page: CustomerDep) -> Response:
    form = await request.form()
    draft = draft_from_form(_form_lists(form))
    if not draft["idempotency_key"]:
        draft = draft.with_values(idempotency_key=new_idempotency_key())
    if "add_contact" in form:
        grown = draft.with_notify_row(page.lang)
        return await _render(page, grown, focus=f"notify-{len(grown.notify) - 1}-contact")
    built = build(draft, page.portal.settings.portal_time_zone)
    if built.problems:
        return await _render(page, draft, problems=list(built.problems), status_code=422)
    return await _send(page, draft, built)


async def _send(page: Page, draft: Draft, built: Built) -> Response:
    intake = page.portal.upstreams.intake
    try:
        accepted = await intake.declare(page.token, built.body, draft["idempotency_key"])
    except ServiceUnavailable:
        # Nothing is lost: the page comes back as typed, with the same key, so sending
        # again cannot declare twice even if the first attempt did go through.
        problem = FieldProblem(None, page.t("declare.unavailable"), code="unavailable")
        return await _render(page, draft, problems=[problem], status_code=503)
    except ApiError as exc:
        return await _refused(page, draft, built, exc)
    declaration_id = str(accepted.get("declaration_id", ""))
    page.flash("success", "declare.accepted")
    return RedirectResponse(
        "/incidents?" + urlencode({"declared": declaration_id}), status_code=303
    )


async def _refused(page: Page, draft: Draft, built: Built, exc: ApiError) -> Response:
    if exc.status == 422 and exc.field_errors:
        problems = problems_from_api(exc.field_errors, built)
        return await _render(page, draft, problems=problems, status_code=422)
    if exc.status == 409:
        # The key was used with another body: this form was validated before and has
        # changed since. A new key makes the next validation a new declaration.
        fresh = draft.with_values(idempotency_key=new_idempotency_key())
        problem = FieldProblem(None, page.t("declare.conflict"), code="conflict")
        return await _render(page, fresh, problems=[problem], status_code=409)
    if exc.status == 429:
        problem = FieldProblem(None, page.t("error.too_many"), code="rate")
        return await _render(page, draft, problems=[problem], status_code=429)
    problem = FieldProblem(None, exc.detail or page.t("field.invalid"), code="refused")
    return await _render(page, draft, problems=[problem], status_code=exc.status)
