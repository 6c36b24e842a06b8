"""API errors. Each maps to one RFC 9457 problem type (``/problems/<slug>``).

ApiError
├── MalformedBody          400   (not JSON, nested too deeply, a number too long, not UTF-8)
├── Unauthenticated        401
├── Forbidden              403
├── NotFound               404
├── Conflict               409   (UnitNotEmpty, IdempotencyKeyReused, ...)
├── PreconditionFailed     412
├── PayloadTooLarge        413
├── UnsupportedMediaType   415
├── ValidationFailed       422   (carries field errors)
├── RateLimited            429   (carries Retry-After)
└── Unavailable            503
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ApiError(Exception):
    status = 500
    slug = "internal"
    title = "Internal server error"

    def __init__(
        self,
        detail: str,
        *,
        existing_id: str | None = None,
        existing_version: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.existing_id = existing_id
        self.existing_version = existing_version
        self.errors: list[FieldError] = []
        self.headers: dict[str, str] = {}


class MalformedBody(ApiError):
    status, slug, title = 400, "malformed-body", "Malformed request body"


class Unauthenticated(ApiError):
    status, slug, title = 401, "unauthenticated", "Authentication required"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers = {"WWW-Authenticate": "Bearer"}


class Forbidden(ApiError):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(ApiError):
    status, slug, title = 404, "not-found", "Not found"


class MethodNotAllowed(ApiError):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"


class Conflict(ApiError):
    status, slug, title = 409, "conflict", "Conflict"


class UnitNotEmpty(Conflict):
    slug, title = "unit-not-empty", "Unit is not empty"


class IdempotencyKeyReused(Conflict):
    """The key was used before for a different request.

    ``existingId`` (and ``existingVersion``) name the object that first request created or
    changed, so a client that derives keys from its own identity can prove the object is
    its own and take it over instead of making a duplicate.
    """

    slug, title = "idempotency-key-reused", "Idempotency key reused"


class PreconditionFailed(ApiError):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


class PayloadTooLarge(ApiError):
    status, slug, title = 413, "payload-too-large", "Payload too large"


class UnsupportedMediaType(ApiError):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class ValidationFailed(ApiError):
    status, slug, title = 422, "validation", "Validation failed"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.errors = list(errors or [])

    @classmethod
    def field(cls, field: str, message: str) -> ValidationFailed:
        return cls(f"{field}: {message}", [FieldError(field, message)])


class RateLimited(ApiError):
    status, slug, title = 429, "rate-limited", "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


class Unavailable(ApiError):
    status, slug, title = 503, "unavailable", "Service unavailable"


class InjectedFault(ApiError):
    """A 500 produced on purpose by ``--fault-error-rate``."""
