"""The language switch: a link per language, remembered a year in a cookie."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse

from portal.domain.languages import as_language
from portal.domain.local_paths import safe_next
from portal.web.pages import LANGUAGE_COOKIE, PageDep

router = APIRouter()
YEAR = 365 * 24 * 3600


@router.get("/language/{code}")
async def switch_language(code: str, page: PageDep, next: str | None = None) -> RedirectResponse:
    """A plain link, so it works without script and with the keyboard. Changing one's
    language is harmless, so it needs no CSRF token."""
    response = RedirectResponse(safe_next(next), status_code=303)
    language = as_language(code)
    if language is not None:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=YEAR,
            httponly=True,
            samesite="lax",
            secure=page.portal.settings.cookie_secure,
        )
    return response
