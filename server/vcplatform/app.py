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
from vcplatform.faults import FaultMiddleware, TransportCapture
from vcplatform.guards import (
    BodyLimitMiddleware,
    RateLimitMiddleware,
    RequestShapeMiddleware,
    TokenOwners,
)
from vcplatform.metrics import MetricsMiddleware, RequestCounter, RouteTemplates
from vcplatform.problems import MEDIA_TYPE, install
from vcplatform.routes import account, grants, meeting_rooms, units, usage, waiting_areas
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
        generate_unique_id_function=lambda route: route.name,
    )
    app.state.settings = settings
    app.state.db = db
    counter = RequestCounter()
    app.state.counter = counter
    install(app)
    for module in (account, units, waiting_areas, meeting_rooms, grants, usage):
        app.include_router(module.router, prefix=API_PREFIX)

    @app.get("/metrics", response_class=PlainTextResponse, tags=["operations"])
    def metrics() -> str:
        """Prometheus text format; no authentication."""
        return counter.render()

    @app.get("/healthz", tags=["operations"], include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    # FastAPI's documented way to customise the schema is to replace this method.
    app.openapi = lambda: openapi(app)  # type: ignore[method-assign]
    asgi: ASGIApp = BodyLimitMiddleware(app, settings.max_body_bytes)
    asgi = RequestShapeMiddleware(asgi)
    asgi = RateLimitMiddleware(asgi, settings.rate_limit, TokenOwners(db))
    asgi = FaultMiddleware(asgi, settings.faults)
    templates = RouteTemplates([*app.openapi()["paths"], "/healthz", "/docs"])
    asgi = MetricsMiddleware(asgi, counter, templates)
    asgi = TransportCapture(asgi)
    return Platform(app=app, asgi=asgi, counter=counter)


VERSIONED = ("Organisation", "Unit", "WaitingArea", "MeetingRoom", "Grant")
# OpenAPI links: from a create to what can be done with the object it returned.
LINKS = {
    "create_unit": ("unit_id", ("get_unit", "update_unit", "delete_unit")),
    "create_waiting_area": (
        "area_id",
        ("get_waiting_area", "update_waiting_area", "delete_waiting_area"),
    ),
    "create_meeting_room": (
        "room_id",
        (
            "get_meeting_room",
            "update_meeting_room",
            "reset_meeting_room_link",
            "delete_meeting_room",
        ),
    ),
    "create_grant": ("grant_id", ("get_grant", "resend_grant", "delete_grant")),
}


def openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, plus problem+json errors and the ETag header everywhere."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, summary=app.summary, routes=app.routes
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for name in ("Problem", "FieldProblem"):
        definition = getattr(apimodels, name).model_json_schema(
            by_alias=True, ref_template="#/components/schemas/{model}"
        )
        definition.pop("$defs", None)
        schemas[name] = definition
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    components["responses"] = {
        f"Problem{status}": {
            "description": description,
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status, description in PROBLEM_STATUSES.items()
    }
    components["headers"] = {
        "ETag": {
            "description": 'The object\'s version, e.g. "3"; send it back in If-Match',
            "schema": {"type": "string"},
        },
        "IdempotencyReplayed": {
            "description": "`true` when this is the stored answer to an earlier request",
            "schema": {"type": "string", "enum": ["true"]},
        },
    }
    versioned_refs = {f"#/components/schemas/{name}" for name in VERSIONED}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for response in responses.values():
                content = response.get("content", {}).get("application/json", {})
                if content.get("schema", {}).get("$ref") in versioned_refs:
                    headers = response.setdefault("headers", {})
                    headers["ETag"] = {"$ref": "#/components/headers/ETag"}
                    if method in ("post", "patch"):
                        headers["Idempotency-Replayed"] = {
                            "$ref": "#/components/headers/IdempotencyReplayed"
                        }
            if operation.get("operationId") in LINKS:
                parameter, targets = LINKS[operation["operationId"]]
                responses["201"]["links"] = {
                    target: {
                        "operationId": target,
                        "parameters": {
                            "org": "$request.path.org",
                            parameter: "$response.body#/id",
                        },
                    }
                    for target in targets
                }
            for status in PROBLEM_STATUSES:
                if path.startswith(API_PREFIX) or status in ("429", "500", "503"):
                    responses[status] = {"$ref": f"#/components/responses/Problem{status}"}
    app.openapi_schema = schema
    return schema
