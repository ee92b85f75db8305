"""Dead letters: the messages each consuming service gave up on, with the reason, and
their replay (one, or all of a service's)."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Form, Path
from fastapi.responses import RedirectResponse, Response

from portal.clients.base import JSON, ApiError, ServiceUnavailable
from portal.web.pages import CsrfChecked, OperationsDep, Page
from ticketing_common.auth.principal import Role

router = APIRouter()
CONSUMERS = ("intake", "ticket-store", "notification", "search")


async def _service_letters(page: Page, service: str) -> tuple[str, str, list[JSON]]:
    """(service, state, letters): state is ``ok``, ``unsupported`` or ``unavailable``."""
    client = page.portal.upstreams.dead_letters
    try:
        if not await client.supported(service):
            return service, "unsupported", []
        return service, "ok", await client.list(page.token, service)
    except (ServiceUnavailable, ApiError):
        return service, "unavailable", []


@router.get("/ops/dead-letters")
async def dead_letters(page: OperationsDep) -> Response:
    found = await asyncio.gather(*(_service_letters(page, s) for s in CONSUMERS))
    return page.render(
        "ops/dead_letters.html",
        services=found,
        supervisor=Role.OPS_SUPERVISOR in page.principal.roles,
    )


@router.get("/ops/dead-letters/{service}/{message_id}")
async def dead_letter(
    service: Annotated[str, Path(max_length=50)],
    message_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9._:@-]{1,200}$")],
    page: OperationsDep,
) -> Response:
    """One dead letter: the reason, the original headers and the body."""
    if service not in CONSUMERS:
        raise ApiError(service, 404)
    letter = await page.portal.upstreams.dead_letters.show(page.token, service, message_id)
    return page.render(
        "ops/dead_letter.html",
        service=service,
        letter=letter,
        supervisor=Role.OPS_SUPERVISOR in page.principal.roles,
    )


@router.post("/ops/dead-letters/replay", dependencies=[CsrfChecked])
async def replay(
    page: OperationsDep,
    service: Annotated[str, Form(max_length=50)],
    message_id: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    if service not in CONSUMERS:
        return RedirectResponse("/ops/dead-letters", status_code=303)
    try:
        await page.portal.upstreams.dead_letters.replay(
            page.token, service, message_id.strip() or None
        )
    except ApiError as exc:
        page.flash(
            "warning", "feature.unavailable" if exc.status in (404, 405) else "ops.replay_refused"
        )
    except ServiceUnavailable:
        page.flash("warning", "error.unavailable")
    else:
        page.flash("success", "ops.replayed")
    return RedirectResponse("/ops/dead-letters", status_code=303)
