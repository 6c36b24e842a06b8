"""The application factory: FastAPI routes wrapped in the ASGI guards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import PlainTextResponse
from starlette.types import ASGIApp

from vcplatform import __version__, apimodels
from vcplatform.db import Database
from vcplatform.faults import (
    BodyLimitMiddleware,
    FaultMiddleware,
    RateLimitMiddleware,
    TransportCapture,
)
from vcplatform.metrics import MetricsMiddleware, RequestCounter, RouteTemplates
from vcplatform.problems import MEDIA_TYPE, install
from vcplatform.routes import account, grants, meeting_rooms, units, waiting_areas
from vcplatform.settings import Settings

API_PREFIX = "/api/v1"
PROBLEM_STATUSES = {
    "400": "Bad request",
    "401": "Missing or invalid API token",
    "403": "Authenticated, but not allowed",
    "404": "No such object (or organisation)",
    "405": "Method not allowed",
    "409": "Conflict",
    "412": "If-Match does not match the current version",
    "413": "Request body too large",
    "415": "Unsupported media type",
    "422": "Invalid request",
    "429": "Rate limited; see Retry-After",
    "500": "Internal error",
    "503": "Unavailable; see Retry-After",
}


@dataclass
class Platform:
    app: FastAPI
    asgi: ASGIApp
    counter: RequestCounter


def build(settings: Settings, db: Database) -> Platform:
    app = FastAPI(
        title="vcplatform",
        version=__version__,
        summary="Reference video-call platform, API v1",
        docs_url="/docs",
        redoc_url=None,
        # No 307 to the slash-less path: every answer is JSON (a 404 problem here).
        redirect_slashes=False,
    )
    app.state.settings = settings
    app.state.db = db
    counter = RequestCounter()
    app.state.counter = counter
    install(app)
    for module in (account, units, waiting_areas, meeting_rooms, grants):
        app.include_router(module.router, prefix=API_PREFIX)

    @app.get("/metrics", response_class=PlainTextResponse, tags=["operations"])
    def metrics() -> str:
        """Prometheus text format; no authentication."""
        return counter.render()

    @app.get("/healthz", tags=["operations"], include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.openapi = lambda: openapi(app)  # type: ignore[method-assign]
    asgi: ASGIApp = BodyLimitMiddleware(app, settings.max_body_bytes)
    asgi = RateLimitMiddleware(asgi, settings.rate_limit)
    asgi = FaultMiddleware(asgi, settings.faults)
    templates = RouteTemplates([*app.openapi()["paths"], "/healthz", "/docs"])
    asgi = MetricsMiddleware(asgi, counter, templates)
    asgi = TransportCapture(asgi)
    return Platform(app=app, asgi=asgi, counter=counter)


def openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with problem+json error responses on every operation."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, summary=app.summary, routes=app.routes
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in ("Problem", "FieldProblem"):
        model = getattr(apimodels, name)
        definition = model.model_json_schema(
            by_alias=True, ref_template="#/components/schemas/{model}"
        )
        definition.pop("$defs", None)
        components[name] = definition
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in PROBLEM_STATUSES.items():
                if not path.startswith(API_PREFIX) and status not in ("500", "503", "429"):
                    continue
                responses[status] = {
                    "description": description,
                    "content": {MEDIA_TYPE: {"schema": problem}},
                }
    app.openapi_schema = schema
    return schema
