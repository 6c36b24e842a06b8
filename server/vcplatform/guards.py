"""Request guards, as plain ASGI middleware: per-token rate limit and body size limit."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vcplatform.errors import ApiError, PayloadTooLarge, RateLimited
from vcplatform.problems import problem_response
from vcplatform.settings import RateLimit

# Operations endpoints: never rate limited or faulted, so tests can always read them.
EXEMPT = frozenset({"/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/healthz"})


def exempt(scope: Scope) -> bool:
    return scope["type"] != "http" or scope["path"] in EXEMPT


async def send_problem(error: ApiError, scope: Scope, receive: Receive, send: Send) -> None:
    await problem_response(error, scope["path"])(scope, receive, send)


class RateLimitMiddleware:
    """A token bucket per API token (per client address for anonymous requests)."""

    def __init__(self, app: ASGIApp, limit: RateLimit | None) -> None:
        self.app, self.limit = app, limit
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _take(self, key: str) -> float:
        """0 when allowed, else the seconds until the next request would be."""
        assert self.limit is not None
        capacity = float(self.limit.requests)
        rate = capacity / self.limit.period_s
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (capacity, now))
            tokens = min(capacity, tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (1.0 - tokens) / rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.limit is None or exempt(scope):
            await self.app(scope, receive, send)
            return
        key = _client_key(scope)
        wait = self._take(key)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            error = RateLimited(
                f"more than {self.limit.requests} requests in {self.limit.period_s:g}s "
                f"with this token; retry after {retry_after}s",
                retry_after,
            )
            await send_problem(error, scope, receive, send)
            return
        await self.app(scope, receive, send)


def _client_key(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return "token:" + hashlib.sha256(value).hexdigest()
    client: Any = scope.get("client") or ("unknown", 0)
    return f"anonymous:{client[0]}"


class BodyLimitMiddleware:
    """413 for bodies over the limit, declared (Content-Length) or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = PayloadTooLarge(f"the request body is larger than {self.max_bytes} bytes")
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await send_problem(too_large, scope, receive, send)
                    return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise too_large
            return message

        await self.app(scope, limited_receive, send)
