"""Typed errors raised by :mod:`vcorg.client`.

Callers catch :class:`PlatformError` and never see httpx's exceptions::

    PlatformError
    ├── ConfigurationError      apiUrl/token missing or malformed
    ├── TransportError          the platform could not be reached (after retries)
    └── ApiError                the platform answered with a problem document
        ├── Unauthorized        401
        ├── Forbidden           403
        ├── NotFound            404
        ├── Conflict            409 (``existing_id`` when the platform named the clash;
        │                            ``key_reused`` when an Idempotency-Key was reused)
        ├── PreconditionFailed  412
        ├── PayloadTooLarge     413
        ├── ValidationFailed    422 (``errors``: field → message)
        ├── RateLimited         429 (``retry_after`` seconds)
        └── ServerError         5xx

Messages say which object, what the platform said and what to do next. They never
contain the API token: every message passes through :func:`redact` first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REDACTED = "***"
# Shorter "secrets" are not real tokens, and replacing them would garble every message.
MIN_SECRET_LENGTH = 8


def redact(text: str, secrets: tuple[str, ...]) -> str:
    """Replace every occurrence of a secret in ``text``."""
    for secret in secrets:
        if len(secret) >= MIN_SECRET_LENGTH:
            text = text.replace(secret, REDACTED)
    return text


@dataclass(frozen=True)
class FieldError:
    """One field-level complaint from a 422 problem document."""

    field: str
    message: str


class PlatformError(Exception):
    """Base of every error raised by the API client."""

    hint: str = ""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigurationError(PlatformError):
    """The client cannot be built: the API URL or the token is missing or malformed."""


class TransportError(PlatformError):
    """The platform could not be reached, or did not answer in time, after all retries."""

    hint = (
        "Check that the platform URL (vcorg:apiUrl / VCORG_API_URL) is right and reachable "
        "from here, then run the command again; it is safe to re-run."
    )


@dataclass
class ProblemDocument:
    """An RFC 9457 problem document as the platform sends it."""

    status: int
    type: str = ""
    title: str = ""
    detail: str = ""
    instance: str = ""
    errors: list[FieldError] = field(default_factory=list)
    existing_id: str | None = None
    existing_version: int | None = None

    @property
    def slug(self) -> str:
        return self.type.rsplit("/", 1)[-1] if self.type else ""

    @classmethod
    def from_json(cls, status: int, data: Any) -> ProblemDocument:
        if not isinstance(data, dict):
            return cls(status=status)
        raw_errors = data.get("errors") or []
        errors = [
            FieldError(str(e.get("field", "")), str(e.get("message", "")))
            for e in raw_errors
            if isinstance(e, dict)
        ]
        existing = data.get("existingId")
        version = data.get("existingVersion")
        return cls(
            status=int(data.get("status") or status),
            type=str(data.get("type") or ""),
            title=str(data.get("title") or ""),
            detail=str(data.get("detail") or ""),
            instance=str(data.get("instance") or ""),
            errors=errors,
            existing_id=str(existing) if existing else None,
            existing_version=version if isinstance(version, int) else None,
        )


class ApiError(PlatformError):
    """The platform refused or failed a request and said why in a problem document."""

    status: int = 0

    def __init__(
        self,
        message: str,
        *,
        problem: ProblemDocument,
        method: str,
        path: str,
        subject: str | None = None,
    ) -> None:
        super().__init__(message)
        self.problem = problem
        self.method = method
        self.path = path
        self.subject = subject

    @property
    def errors(self) -> list[FieldError]:
        return self.problem.errors


class Unauthorized(ApiError):
    status = 401
    hint = (
        "The platform did not accept the API token. Set a valid token with "
        "`pulumi config set --secret vcorg:token ...` or the VCORG_TOKEN environment variable."
    )


class Forbidden(ApiError):
    status = 403
    hint = (
        "The token's account lacks the role this needs. Use a token of a system administrator, "
        "or of an organisation administrator of the unit concerned."
    )


class NotFound(ApiError):
    status = 404
    hint = (
        "It may have been deleted in the console, or the organisation key is wrong. "
        "Run a refresh so vcorg notices, then apply again."
    )


class Conflict(ApiError):
    status = 409
    hint = (
        "An object with the same name already exists in that scope. Rename it in the config, "
        "or take the existing one over: `vcorg apply --adopt`, or `adoptExisting: true` "
        "under `defaults`."
    )

    @property
    def existing_id(self) -> str | None:
        return self.problem.existing_id

    @property
    def existing_version(self) -> int | None:
        return self.problem.existing_version

    @property
    def key_reused(self) -> bool:
        """The Idempotency-Key was used before for another request (``existing_id`` is
        what that request made or changed, when it made anything)."""
        return self.problem.slug == "idempotency-key-reused"


class PreconditionFailed(ApiError):
    status = 412
    hint = (
        "Someone changed this object on the platform since vcorg read it. "
        "Run a refresh, review the plan again, then apply."
    )


class PayloadTooLarge(ApiError):
    status = 413
    hint = "Shorten the longest texts (descriptions, information for callers) and apply again."


class ValidationFailed(ApiError):
    status = 422
    hint = "Fix the fields listed above in the config and apply again."


class RateLimited(ApiError):
    status = 429
    hint = "The platform is rate limiting this token. Wait a minute and run the command again."

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(ApiError):
    status = 500
    hint = (
        "The platform failed while handling the request. Run the command again later; "
        "it is safe to re-run. If it keeps failing, contact the platform operator."
    )


_BY_STATUS: dict[int, type[ApiError]] = {
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    412: PreconditionFailed,
    413: PayloadTooLarge,
    422: ValidationFailed,
    429: RateLimited,
}


def error_class_for(status: int) -> type[ApiError]:
    """The most specific exception type for an HTTP status."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status == 400:
        return ValidationFailed
    if status >= 500:
        return ServerError
    return ApiError


def describe_problem(
    *, action: str, subject: str | None, problem: ProblemDocument, hint: str
) -> str:
    """Build the admin-facing sentence for a failed request."""
    target = f" {subject}" if subject else ""
    said = problem.detail or problem.title or "no details"
    lines = [f"Could not {action}{target}: the platform answered {problem.status} ({said})."]
    for err in problem.errors:
        lines.append(f"  - {err.field}: {err.message}" if err.field else f"  - {err.message}")
    if problem.existing_id:
        lines.append(f"  The existing object is {problem.existing_id}.")
    if hint:
        lines.append(hint)
    return "\n".join(lines)
