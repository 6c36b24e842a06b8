"""The platform API client: typed, retrying, and careful with the token."""

from __future__ import annotations

from ._types import Collection, JSONObject, Written
from .client import PlatformClient
from .errors import (
    ApiError,
    ConfigurationError,
    Conflict,
    FieldError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    PlatformError,
    PreconditionFailed,
    ProblemDocument,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
    ValidationFailed,
)
from .retry import RetryPolicy
from .settings import ClientSettings
from .stats import RequestStats

__all__ = [
    "ApiError",
    "ClientSettings",
    "Collection",
    "ConfigurationError",
    "Conflict",
    "FieldError",
    "Forbidden",
    "JSONObject",
    "NotFound",
    "PayloadTooLarge",
    "PlatformClient",
    "PlatformError",
    "PreconditionFailed",
    "ProblemDocument",
    "RateLimited",
    "RequestStats",
    "RetryPolicy",
    "ServerError",
    "TransportError",
    "Unauthorized",
    "ValidationFailed",
    "Written",
]
