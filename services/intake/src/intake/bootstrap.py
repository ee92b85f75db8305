"""Intake's composition root: the API and the workers are built here, and only here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI

from intake.adapters.attachment_storage import AttachmentStorage
from intake.adapters.folder_storage import FolderStorage
from intake.entrypoints.api import (
    attachments,
    catalog_admin,
    catalog_lists,
    declarations,
    reference,
)
from intake.entrypoints.api.method_not_allowed import list_every_allowed_method
from intake.entrypoints.api.openapi import document_problems
from intake.entrypoints.periodic import PeriodicWorker
from intake.handlers.attachment_cleanup import purge_unlinked_attachments
from intake.handlers.ticket_numbers import record_ticket_numbers
from intake.settings import IntakeSettings, intake_settings
from ticketing_common.events import TicketUpdatedV1
from ticketing_common.messaging.consumer import EventRouter
from ticketing_common.messaging.topology import QUEUES
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import ServiceSettings
from ticketing_common.web.app import create_service_app
from ticketing_common.web.rate_limit import TokenBuckets

MIGRATIONS = Path(__file__).parent / "migrations"


def attachment_storage(settings: IntakeSettings) -> AttachmentStorage:
    """Where files go: a folder. An object store would be chosen here, by a setting."""
    return FolderStorage(settings.attachments_dir)


def attachment_cleanup(runtime: ServiceRuntime, storage: AttachmentStorage) -> PeriodicWorker:
    settings = intake_settings(runtime.settings)

    async def purge() -> int:
        return await purge_unlinked_attachments(
            runtime.session_factory,
            storage,
            now=datetime.now(UTC),
            older_than=timedelta(hours=settings.attachments_unlinked_ttl_hours),
        )

    return PeriodicWorker(
        name="attachment-cleanup",
        interval_seconds=settings.attachments_cleanup_interval_seconds,
        work=purge,
    )


def rate_limits(settings: IntakeSettings) -> dict[str, TokenBuckets]:
    return {
        "declarations": TokenBuckets(
            per_minute=settings.rate_limit_declarations_per_minute,
            burst=settings.rate_limit_declarations_burst,
        ),
        "uploads": TokenBuckets(
            per_minute=settings.rate_limit_uploads_per_minute,
            burst=settings.rate_limit_uploads_burst,
        ),
    }


def build_runtime(settings: ServiceSettings) -> ServiceRuntime:
    runtime = ServiceRuntime(
        name="intake", settings=intake_settings(settings), migrations=MIGRATIONS
    )
    router = EventRouter()
    router.on_batch(TicketUpdatedV1, record_ticket_numbers)
    runtime.consume(QUEUES["intake"], router)
    runtime.add_worker(attachment_cleanup(runtime, attachment_storage(intake_settings(settings))))
    return runtime


def build_app(runtime: ServiceRuntime) -> FastAPI:
    app = create_service_app(
        runtime,
        title="Intake",
        description="The customer catalog, incident declarations and their attachments.",
        routers=[
            declarations.router,
            attachments.router,
            catalog_lists.router,
            reference.router,
            catalog_admin.router,
        ],
        # The upload enforces its own, larger limit while the file streams.
        body_limit_exempt_paths=[attachments.UPLOAD_PATH],
        rate_limits=rate_limits(intake_settings(runtime.settings)),
    )
    app.state.attachment_storage = attachment_storage(intake_settings(runtime.settings))
    document_problems(app)
    list_every_allowed_method(app)
    return app
