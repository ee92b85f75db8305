"""Every operation of every service, read from the OpenAPI documents the apps build."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from .access_probe import Operation, operations_of


def _apps() -> dict[str, Callable[[], FastAPI]]:
    import intake.bootstrap
    import intake.settings
    import notification.bootstrap
    import notification.settings
    import search.bootstrap
    import search.settings
    import ticket_store.bootstrap
    import ticket_store.settings

    return {
        "intake": lambda: intake.bootstrap.build_app(
            intake.bootstrap.build_runtime(intake.settings.load_settings())
        ),
        "ticket-store": lambda: ticket_store.bootstrap.build_app(
            ticket_store.bootstrap.build_runtime(ticket_store.settings.load_settings())
        ),
        "notification": lambda: notification.bootstrap.build_app(
            notification.bootstrap.build_runtime(notification.settings.load_settings())
        ),
        "search": lambda: search.bootstrap.build_app(
            search.bootstrap.build_runtime(search.settings.load_settings())
        ),
    }


def openapi_documents() -> dict[str, dict[str, Any]]:
    return {name: build().openapi() for name, build in _apps().items()}


def all_operations() -> list[Operation]:
    return [
        operation
        for service, document in openapi_documents().items()
        for operation in operations_of(service, document)
    ]
