"""The FastAPI application every service builds the same way."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from ticketing_common.auth.tokens import TokenVerifier
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import ServiceSettings
from ticketing_common.web import health
from ticketing_common.web.middleware import RequestContextMiddleware
from ticketing_common.web.problems import install_problem_handlers


def token_verifier(settings: ServiceSettings) -> TokenVerifier:
    return TokenVerifier(
        issuer=settings.auth_jwt_issuer,
        audience=settings.auth_jwt_audience,
        secret=settings.auth_jwt_secret.get_secret_value() if settings.auth_jwt_secret else None,
        jwks_url=settings.auth_jwks_url,
        leeway_seconds=settings.auth_leeway_seconds,
    )


def create_service_app(
    runtime: ServiceRuntime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    version: str = "0.1.0",
) -> FastAPI:
    settings = runtime.settings

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.start(workers=settings.run_workers)
        try:
            yield
        finally:
            await runtime.stop()

    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan)
    app.state.runtime = runtime
    app.state.token_verifier = token_verifier(settings)
    app.state.readiness = runtime.readiness
    app.add_middleware(RequestContextMiddleware)
    install_problem_handlers(app)
    app.include_router(health.router)
    for router in routers:
        app.include_router(router)
    return app
