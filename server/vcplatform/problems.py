"""RFC 9457 problem details for every error, FastAPI's and Starlette's included."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from vcplatform.errors import (
    ApiError,
    Conflict,
    FieldError,
    MalformedBody,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    Unavailable,
    UnsupportedMediaType,
    ValidationFailed,
)

PROBLEM_BASE = "https://vcplatform.dev/problems/"
MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("vcplatform")


def problem_body(error: ApiError, instance: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + error.slug,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "instance": instance,
    }
    if error.errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in error.errors]
    if error.existing_id is not None:
        body["existingId"] = error.existing_id
    if error.existing_version is not None:
        body["existingVersion"] = error.existing_version
    return body


def problem_response(error: ApiError, instance: str) -> JSONResponse:
    return JSONResponse(
        problem_body(error, instance),
        status_code=error.status,
        media_type=MEDIA_TYPE,
        headers=error.headers,
    )


def field_path(loc: Sequence[int | str]) -> str:
    """``("body", "accessHours", "open", 0, "from")`` → ``accessHours.open[0].from``."""
    parts = list(loc[1:]) if loc and loc[0] in ("body", "query", "path", "header") else list(loc)
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path or (str(loc[0]) if loc else "body")


def _validation(exc: RequestValidationError) -> ApiError:
    errors = []
    for error in exc.errors():
        loc = error.get("loc", ())
        if error.get("type") == "json_invalid":
            reason = (error.get("ctx") or {}).get("error") or "it cannot be parsed"
            where = f" at character {loc[1]}" if len(loc) > 1 else ""
            return MalformedBody(f"the body is not valid JSON: {reason}{where}")
        if error.get("type") == "string_pattern_mismatch" and "\x00" in str(error.get("input")):
            errors.append(FieldError(field_path(loc), "must not contain NUL characters"))
            continue
        if error.get("type") == "model_attributes_type" or (
            error.get("type") == "missing" and tuple(loc) == ("body",)
        ):
            errors.append(FieldError("body", "must be a JSON object sent as application/json"))
            continue
        message = str(error.get("msg", "is not valid"))
        if error.get("type") == "extra_forbidden":
            message = "is not a known field"
        errors.append(FieldError(field_path(loc), message))
    summary = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
    return ValidationFailed(f"the request is not valid: {summary}", errors)


def malformed_body(cause: BaseException | None) -> ApiError:
    """The 400 for a body FastAPI could not parse, saying why in words."""
    if isinstance(cause, PayloadTooLarge):
        return cause
    if isinstance(cause, RecursionError):
        return MalformedBody("the JSON body is nested too deeply")
    if isinstance(cause, UnicodeDecodeError):
        return MalformedBody("the body is not UTF-8 text")
    if isinstance(cause, ValueError) and "digits" in str(cause):
        return MalformedBody("a number in the JSON body has too many digits")
    return MalformedBody("the body cannot be read as JSON")


def install(app: FastAPI) -> None:
    async def api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return problem_response(exc, request.url.path)

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(_validation(exc), request.url.path)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        error: ApiError
        if exc.status_code == 404:
            error = NotFound(f"there is no resource at {request.url.path}")
        elif exc.status_code == 405:
            error = MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}")
            error.headers = dict(exc.headers or {})
        elif exc.status_code == 415:
            error = UnsupportedMediaType("send the body as application/json")
        elif exc.status_code == 400:
            # FastAPI's "There was an error parsing the body"; the cause says which.
            error = malformed_body(exc.__cause__)
        else:
            error = ApiError(str(exc.detail))
            error.status = exc.status_code
        return problem_response(error, request.url.path)

    async def integrity_error(request: Request, exc: Exception) -> JSONResponse:
        log.info("integrity error on %s: %s", request.url.path, exc)
        error = Conflict("the change conflicts with another object; read again and retry")
        return problem_response(error, request.url.path)

    async def stale_error(request: Request, exc: Exception) -> JSONResponse:
        error = Conflict("the object changed while this request ran; read again and retry")
        return problem_response(error, request.url.path)

    async def operational_error(request: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable on %s: %s", request.url.path, exc)
        error = Unavailable("the database is busy; retry shortly")
        error.headers = {"Retry-After": "1"}
        return problem_response(error, request.url.path)

    async def internal_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(ApiError("an unexpected error occurred"), request.url.path)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(IntegrityError, integrity_error)
    app.add_exception_handler(StaleDataError, stale_error)
    app.add_exception_handler(OperationalError, operational_error)
    app.add_exception_handler(PoolTimeout, operational_error)
    app.add_exception_handler(Exception, internal_error)
