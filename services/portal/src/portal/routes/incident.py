"""An incident's page for the customer: status, SLA due times, public timeline, files,
and their acts (add information, confirm, reopen, cancel)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Path
from fastapi.responses import RedirectResponse, Response

from portal.clients.base import ApiError, ServiceUnavailable
from portal.domain.lifecycle_actions import customer_actions, may_comment
from portal.routes.incident_loading import IncidentView, load_incident
from portal.web.pages import CsrfChecked, Page, SignedInDep

router = APIRouter()
Reference = Annotated[str, Path(max_length=100)]
TicketNumber = Annotated[str, Path(pattern=r"^INC\d{7}$")]


def _context(page: Page, view: IncidentView) -> dict[str, Any]:
    customer = page.principal.is_customer
    return {
        "view": view,
        "actions": customer_actions(view.status) if customer and view.ticket else [],
        "may_comment": bool(view.ticket) and may_comment(view.status),
        "is_customer": customer,
    }


async def _page(
    page: Page,
    reference: str,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    view = await load_incident(page, reference)
    return page.render(
        "incident.html",
        status_code=status_code,
        errors=errors or {},
        typed=typed or {},
        **_context(page, view),
    )


@router.get("/incidents/{reference}")
async def incident_page(reference: Reference, page: SignedInDep) -> Response:
    return await _page(page, reference)


@router.get("/incidents/{reference}/live")
async def incident_live_part(reference: Reference, page: SignedInDep) -> Response:
    """Status, due times and timeline alone, for the page's live refresh."""
    view = await load_incident(page, reference)
    return page.render("partials/incident_live.html", **_context(page, view))


@router.post("/incidents/{number}/acts", dependencies=[CsrfChecked])
async def act(
    number: TicketNumber,
    page: SignedInDep,
    action: Annotated[str, Form(max_length=50)],
    version: Annotated[int, Form(ge=1)],
    text: Annotated[str, Form(max_length=10_000)] = "",
    back: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """One of the customer's acts; ``text`` is the comment or the reason it needs."""
    reference = back if back and "/" not in back else number
    tickets = page.portal.upstreams.tickets
    text = text.strip()
    try:
        if action == "comment":
            if not text:
                return await _refused_at(page, reference, action, page.t("field.required"), text)
            await tickets.comment(page.token, number, text, "public")
        elif action == "cancel":
            if not text:
                return await _refused_at(page, reference, action, page.t("field.required"), text)
            await tickets.transition(page.token, number, version, "cancel", reason=text)
        elif action in ("confirm", "reopen"):
            await tickets.transition(page.token, number, version, action, comment=text or None)
        else:
            return await _page(page, reference, status_code=400)
    except ApiError as exc:
        if exc.status == 412:
            page.flash("warning", "incident.changed_meanwhile")
        elif exc.status == 409:
            page.flash("warning", "incident.not_allowed_now")
        elif exc.status == 422 and exc.field_errors:
            message = str(exc.field_errors[0].get("message") or page.t("field.invalid"))
            return await _refused_at(page, reference, action, message, text)
        elif exc.status in (404, 405) and action in ("comment", "cancel", "confirm", "reopen"):
            page.flash("warning", "feature.unavailable")
        else:
            raise
    except ServiceUnavailable:
        return await _refused_at(page, reference, action, page.t("error.unavailable"), text, 503)
    else:
        page.flash("success", f"incident.done.{action}")
    return RedirectResponse(f"/incidents/{quote(reference)}", status_code=303)


async def _refused_at(
    page: Page, reference: str, field: str, message: str, typed: str, status: int = 422
) -> Response:
    return await _page(
        page, reference, status_code=status, errors={field: message}, typed={field: typed}
    )
