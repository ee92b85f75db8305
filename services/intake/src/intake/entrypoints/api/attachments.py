"""``/v1/attachments``: a customer uploads a file before naming it in a declaration;
the people who may see the incident download it.

The upload reads the raw request stream (no ``UploadFile``, which would be spooled
whole before this code runs), so its size limit holds while the bytes arrive. This
route's limit is the authority for its body size: a general body-size limit in front
of the API must let ``POST /v1/attachments`` through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel
from sqlalchemy import select
from starlette.requests import ClientDisconnect

from intake.adapters.attachment_storage import AttachmentStorage, StoredObjectMissing
from intake.adapters.multipart_stream import MalformedBody
from intake.adapters.tables import Attachment, Declaration
from intake.domain.attachment_types import ATTACHMENT_TYPES
from intake.domain.attachments import AttachmentFacts, may_download
from intake.domain.filenames import content_disposition
from intake.entrypoints.api.strict_query import refuse_unknown_query_parameters
from intake.handlers.uploads import UploadLimits, check_announced_length, receive_upload
from intake.settings import intake_settings
from ticketing_common.auth.principal import CUSTOMER_ROLES, OPERATIONS_ROLES
from ticketing_common.logging import get_logger
from ticketing_common.web.access import CurrentPrincipal, Scope, access
from ticketing_common.web.dependencies import ReadSession, Runtime
from ticketing_common.web.problems import not_found
from ticketing_common.web.query import IDENTIFIER
from ticketing_common.web.rate_limit import rate_limited

log = get_logger(__name__)

router = APIRouter(
    prefix="/v1/attachments",
    tags=["attachments"],
    dependencies=[Depends(refuse_unknown_query_parameters)],
)

UPLOAD_PATH = "/v1/attachments"
AttachmentId = Annotated[str, Path(max_length=100, pattern=IDENTIFIER)]


class AttachmentOut(BaseModel):
    id: str
    filename: str
    size: int
    content_type: str
    sha256: str


_UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
                "additionalProperties": False,
            }
        }
    },
}


def _with_openapi(rule: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**rule, "openapi_extra": {**rule["openapi_extra"], **extra}}


def _storage(request: Request) -> AttachmentStorage:
    storage: AttachmentStorage = request.app.state.attachment_storage
    return storage


async def _body(request: Request) -> AsyncIterator[bytes]:
    try:
        async for chunk in request.stream():
            if chunk:
                yield chunk
    except ClientDisconnect as exc:
        raise MalformedBody("the connection closed before the end of the upload") from exc


@router.post(
    "",
    status_code=201,
    **_with_openapi(access(CUSTOMER_ROLES, Scope.ORGANIZATION), requestBody=_UPLOAD_BODY),
    responses={
        201: {
            "description": "Stored; name its id in a declaration's attachment_ids",
            "headers": {"Location": {"schema": {"type": "string"}}},
        },
        400: {"description": "The multipart body is malformed"},
        413: {"description": "The file is larger than the limit"},
        415: {"description": "The file's type, declared or found in its content, is refused"},
        429: {"description": "Too many uploads: retry after Retry-After seconds"},
    },
)
async def upload_attachment(
    request: Request,
    caller: CurrentPrincipal,
    runtime: Runtime,
    response: Response,
    _rate: Annotated[None, rate_limited("uploads")],
) -> AttachmentOut:
    """One file, in a multipart part named ``file``."""
    settings = intake_settings(runtime.settings)
    limits = UploadLimits(settings.attachments_max_bytes, settings.attachments_allowed_types)
    check_announced_length(request.headers.get("content-length"), limits)
    stored = await receive_upload(
        _body(request),
        content_type=request.headers.get("content-type"),
        caller=caller,
        storage=_storage(request),
        session_factory=runtime.session_factory,
        limits=limits,
        now=datetime.now(UTC),
    )
    response.headers["Location"] = f"{UPLOAD_PATH}/{stored.id}"
    return AttachmentOut(
        id=stored.id,
        filename=stored.filename,
        size=stored.size,
        content_type=stored.content_type,
        sha256=stored.sha256,
    )


_FILE_CONTENT = {
    media_type: {"schema": {"type": "string", "format": "binary"}}
    for media_type in sorted(ATTACHMENT_TYPES)
}


@router.get(
    "/{attachment_id}",
    **access(CUSTOMER_ROLES | OPERATIONS_ROLES, Scope.PERIMETER),
    response_class=StreamingResponse,
    responses={200: {"description": "The file, as a download", "content": _FILE_CONTENT}},
)
async def download_attachment(
    attachment_id: AttachmentId, caller: CurrentPrincipal, session: ReadSession, request: Request
) -> StreamingResponse:
    found = (
        await session.execute(
            select(Attachment, Declaration.contract_id)
            .outerjoin(Declaration, Declaration.id == Attachment.declaration_id)
            .where(Attachment.id == attachment_id)
        )
    ).first()
    if found is None:
        raise not_found("attachment")
    attachment, contract_id = found
    facts = AttachmentFacts(
        attachment.id, attachment.org_id, attachment.declaration_id, contract_id
    )
    if not may_download(caller, facts):
        raise not_found("attachment")
    chunks = _storage(request).read(attachment.storage_key)
    try:
        first = await anext(chunks, b"")
    except StoredObjectMissing:
        log.error("attachment file missing from storage", attachment_id=attachment.id)
        raise not_found("attachment") from None

    async def content() -> AsyncIterator[bytes]:
        yield first
        async for chunk in chunks:
            yield chunk

    return StreamingResponse(
        content(),
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": content_disposition(attachment.filename),
            "Content-Length": str(attachment.size),
            "ETag": f'"{attachment.sha256}"',
            "Cache-Control": "private, no-store",
            # Served as what the content was found to be, never sniffed into HTML, and
            # inert even if a browser opened it in place.
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
