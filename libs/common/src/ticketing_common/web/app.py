"""The FastAPI application every service builds the same way."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from ticketing_common.auth.tokens import TokenVerifier
from ticketing_common.dead_letters import api as dead_letters_api
from ticketing_common.runtime import ServiceRuntime
from ticketing_common.settings import ServiceSettings
from ticketing_common.web import health
from ticketing_common.web.body_limit import BodySizeLimitMiddleware
from ticketing_common.web.middleware import RequestContextMiddleware
from ticketing_common.web.problems import install_problem_handlers
from ticketing_common.web.rate_limit import TokenBuckets


def token_verifier(settings: ServiceSettings) -> TokenVerifier:
    return TokenVerifier(
        issuer=settings.auth_jwt_issuer,
        audience=settings.auth_jwt_audience,
        secret=settings.auth_jwt_secret.get_secret_value() if settings.auth_jwt_secret else None,
        jwks_url=settings.auth_jwks_url,
        leeway_seconds=settings.auth_leeway_seconds,
        jwks_refresh_cooldown_seconds=settings.auth_jwks_refresh_cooldown_seconds,
    )


def create_service_app(
    runtime: ServiceRuntime,
    *,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    version: str = "0.1.0",
    rate_limits: Mapping[str, TokenBuckets] | None = None,
    body_limit_exempt_paths: Iterable[str] = (),
) -> FastAPI:
    """The service's API. ``rate_limits`` are the buckets ``rate_limited(name)`` routes
    use; ``body_limit_exempt_paths`` are routes that enforce a larger limit themselves
    while streaming (uploads)."""
    settings = runtime.settings

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await runtime.start(workers=settings.run_workers)
        try:
            yield
        finally:
            await runtime.stop()

    # No redirects to the path with or without a trailing slash: an API client gets the
    # problem+json 404 of a path that does not exist, not a 307 it may not follow.
    app = FastAPI(
        title=title,
        description=description,
        version=version,
        lifespan=lifespan,
        redirect_slashes=False,
    )
    app.state.runtime = runtime
    app.state.token_verifier = token_verifier(settings)
    app.state.readiness = runtime.readiness
    app.state.rate_limits = dict(rate_limits or {})
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        exempt_paths=tuple(body_limit_exempt_paths),
    )
    # Added last, so it runs first: even a refused body gets a request id and a log line.
    app.add_middleware(RequestContextMiddleware)
    install_problem_handlers(app)
    app.include_router(health.router)
    if runtime.consumed_queues:
        # Every service that consumes owns dead-letter queues, and their tooling.
        app.include_router(dead_letters_api.router)
    for router in routers:
        app.include_router(router)
    return app
