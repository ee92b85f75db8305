"""A ticket in the operations console: every act of the lifecycle, assignment, priority
override, internal and public comments, the whole history and the emails sent."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path
from fastapi.responses import RedirectResponse, Response

from portal.clients.base import JSON, ApiError, ServiceUnavailable
from portal.domain.incident_filters import PRIORITIES
from portal.domain.lifecycle_actions import may_comment, operations_actions
from portal.routes.incident_loading import load_incident
from portal.web.pages import CsrfChecked, OperationsDep, Page
from ticketing_common.auth.principal import Role

router = APIRouter()
TicketNumber = Annotated[str, Path(pattern=r"^INC\d{7}$")]
TRANSITIONS = ("acknowledge", "start", "request_info", "resolve", "cancel")


async def _deliveries(page: Page, number: str) -> list[JSON] | None:
    try:
        return await page.portal.upstreams.notification.deliveries(page.token, ticket=number)
    except (ApiError, ServiceUnavailable):
        return None


async def _render(
    page: Page,
    number: str,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    view, deliveries = await asyncio.gather(load_incident(page, number), _deliveries(page, number))
    supervisor = Role.OPS_SUPERVISOR in page.principal.roles
    tickets = page.portal.upstreams.tickets
    assignment, priority = await asyncio.gather(
        tickets.supports("POST", "/v1/tickets/{n}/assignment"),
        tickets.supports("POST", "/v1/tickets/{n}/priority"),
    )
    return page.render(
        "ops/ticket.html",
        status_code=status_code,
        view=view,
        actions=operations_actions(view.status, supervisor=supervisor),
        may_comment=may_comment(view.status),
        supervisor=supervisor,
        deliveries=deliveries,
        priorities=PRIORITIES,
        assignment_available=assignment,
        priority_available=priority,
        errors=errors or {},
        typed=typed or {},
    )


@router.get("/ops/tickets/{number}")
async def ticket_page(number: TicketNumber, page: OperationsDep) -> Response:
    return await _render(page, number)


@router.get("/ops/tickets/{number}/live")
async def ticket_live_part(number: TicketNumber, page: OperationsDep) -> Response:
    view = await load_incident(page, number)
    return page.render("partials/ops_ticket_live.html", view=view)


async def _perform(
    page: Page, number: str, version: int, action: str, form: dict[str, str]
) -> None:
    tickets = page.portal.upstreams.tickets
    token = page.token
    text = form.get("text", "").strip()
    if action in TRANSITIONS:
        if action == "cancel":
            await tickets.transition(token, number, version, action, reason=text or None)
        else:
            await tickets.transition(token, number, version, action, comment=text or None)
    elif action == "comment":
        visibility = "internal" if form.get("visibility") == "internal" else "public"
        await tickets.comment(token, number, text, visibility)
    elif action == "take":
        await tickets.assign(token, number, version, "take")
    elif action == "unassign":
        await tickets.assign(token, number, version, "unassign")
    elif action == "assign":
        assignee: dict[str, Any] = {
            "sub": form.get("assignee_sub", ""),
            "name": form.get("assignee_name", ""),
        }
        await tickets.assign(token, number, version, "assign", assignee)
    elif action == "priority":
        await tickets.override_priority(token, number, version, form.get("priority", ""), text)
    else:
        raise ValueError(action)


@router.post("/ops/tickets/{number}/acts", dependencies=[CsrfChecked])
async def act(
    number: TicketNumber,
    page: OperationsDep,
    action: Annotated[str, Form(max_length=50)],
    version: Annotated[int, Form(ge=1)],
    text: Annotated[str, Form(max_length=10_000)] = "",
    visibility: Annotated[str, Form(max_length=20)] = "public",
    priority: Annotated[str, Form(max_length=5)] = "",
    assignee_sub: Annotated[str, Form(max_length=200)] = "",
    assignee_name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    form = {
        "text": text,
        "visibility": visibility,
        "priority": priority,
        "assignee_sub": assignee_sub.strip(),
        "assignee_name": assignee_name.strip(),
    }
    try:
        await _perform(page, number, version, action, form)
    except ValueError:
        return await _render(page, number, status_code=400)
    except ApiError as exc:
        if exc.status == 412:
            page.flash("warning", "incident.changed_meanwhile")
        elif exc.status == 409:
            page.flash("warning", "incident.not_allowed_now")
        elif exc.status == 422:
            message = str(exc.field_errors[0].get("message")) if exc.field_errors else exc.detail
            return await _render(
                page, number, status_code=422, errors={action: message}, typed={action: text}
            )
        elif exc.status in (404, 405):
            page.flash("warning", "feature.unavailable")
        elif exc.status == 403:
            page.flash("warning", "error.forbidden")
        else:
            raise
    except ServiceUnavailable:
        return await _render(
            page,
            number,
            status_code=503,
            errors={action: page.t("error.unavailable")},
            typed={action: text},
        )
    else:
        page.flash("success", f"ops.done.{action}")
    return RedirectResponse(f"/ops/tickets/{number}", status_code=303)
