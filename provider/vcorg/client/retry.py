"""When and how long to wait before retrying a request."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

# Errors raised before any byte of the request left this machine: always safe to retry.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Errors after the request may have reached the server: retry only when repeating is safe.
_MAYBE_SENT = (
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded by attempts and by a deadline."""

    max_attempts: int = 8
    deadline: float = 120.0
    base_delay: float = 0.1
    max_delay: float = 5.0
    # Longest Retry-After we are willing to honour; longer waits end the call.
    max_retry_after: float = 60.0
    rng: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def backoff(self, retry_number: int) -> float:
        """Full jitter: uniform in [0, min(max_delay, base * 2**n)]."""
        ceiling = min(self.max_delay, self.base_delay * 2.0**retry_number)
        return self.rng() * ceiling

    @staticmethod
    def repeat_is_safe(method: str, headers: httpx.Headers) -> bool:
        return (
            method in IDEMPOTENT_METHODS
            or (method == "POST" and "idempotency-key" in headers)
            or (method == "PATCH" and "if-match" in headers)
        )

    def should_retry_status(self, status: int, method: str, headers: httpx.Headers) -> bool:
        if status in RETRY_STATUSES:
            return True
        return status == 500 and self.repeat_is_safe(method, headers)

    def should_retry_exception(self, exc: Exception, method: str, headers: httpx.Headers) -> bool:
        if isinstance(exc, _NOT_SENT):
            return True
        return isinstance(exc, _MAYBE_SENT) and self.repeat_is_safe(method, headers)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds form only; dates are ignored)."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(0.0, seconds)
