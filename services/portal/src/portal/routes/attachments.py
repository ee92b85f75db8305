"""Files of a declaration: uploaded by the form's script (with progress) through the
portal to intake, and downloaded back the same way, with the user's token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Annotated
from urllib.parse import quote, unquote

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.datastructures import UploadFile

from portal.clients.base import ApiError, ServiceUnavailable
from portal.web.pages import CsrfChecked, Page, SignedInDep

router = APIRouter()
# The multipart envelope around the one file: boundaries and a few headers.
ENVELOPE_BYTES = 64 * 1024
AttachmentId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,100}$")]


def _refusal(page: Page, status: int, key: str, **params: object) -> JSONResponse:
    return JSONResponse(
        {"status": status, "detail": page.t(key, **params)},
        status_code=status,
        media_type="application/problem+json",
    )


@router.post("/attachments", dependencies=[CsrfChecked])
async def upload(request: Request, page: SignedInDep) -> Response:
    limit = page.portal.settings.portal_max_upload_bytes
    megabytes = max(1, limit // (1024 * 1024))
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        return _refusal(page, 411, "upload.length_required")
    if int(length) > limit + ENVELOPE_BYTES:
        return _refusal(page, 413, "upload.too_large", megabytes=megabytes)
    if not await page.portal.upstreams.intake.supports_uploads():
        return _refusal(page, 501, "upload.unavailable")
    form = await request.form(max_files=1, max_fields=2)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _refusal(page, 422, "upload.no_file")
    try:
        stored = await page.portal.upstreams.intake.upload(
            page.token,
            upload.filename,
            upload.content_type or "application/octet-stream",
            upload.file,
        )
    except ApiError as exc:
        if exc.status == 413:
            return _refusal(page, 413, "upload.too_large", megabytes=megabytes)
        if exc.status == 415:
            return _refusal(page, 415, "upload.bad_type")
        if exc.status == 429:
            return _refusal(page, 429, "error.too_many")
        detail = exc.field_errors[0]["message"] if exc.field_errors else exc.detail
        return JSONResponse(
            {"status": exc.status, "detail": detail or page.t("upload.refused")},
            status_code=exc.status,
            media_type="application/problem+json",
        )
    except ServiceUnavailable:
        return _refusal(page, 503, "upload.unavailable_now")
    finally:
        await upload.close()
    return JSONResponse(
        {
            "id": stored.get("id"),
            "filename": stored.get("filename", upload.filename),
            "size": stored.get("size"),
            "content_type": stored.get("content_type"),
        },
        status_code=201,
    )


@router.get("/attachments/{attachment_id}")
async def download(attachment_id: AttachmentId, page: SignedInDep) -> Response:
    stack = AsyncExitStack()
    upstream = await stack.enter_async_context(
        page.portal.upstreams.intake.attachment(page.token, attachment_id)
    )

    async def body() -> AsyncIterator[bytes]:
        try:
            async for chunk in upstream.aiter_bytes():
                yield chunk
        finally:
            await stack.aclose()

    name = _filename(upstream.headers.get("content-disposition"), attachment_id)
    headers = {
        # Always a download, never shown inline: a file is not a page of the portal.
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff",
    }
    if "content-length" in upstream.headers:
        headers["Content-Length"] = upstream.headers["content-length"]
    return StreamingResponse(
        body(),
        media_type=upstream.headers.get("content-type", "application/octet-stream"),
        headers=headers,
    )


def _filename(disposition: str | None, fallback: str) -> str:
    if disposition:
        for part in disposition.split(";"):
            key, _, value = part.strip().partition("=")
            if key.lower() == "filename*" and "''" in value:
                return unquote(value.split("''", 1)[1]) or fallback
            if key.lower() == "filename":
                return value.strip('"') or fallback
    return fallback
