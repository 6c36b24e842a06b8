"""Fault injection and request guards, as plain ASGI middleware.

Faults strike before the application sees the request, so an injected 500/503 or
dropped connection never half-applies a change. The one exception is
``after_commit_rate``: the change commits, then the response is lost, which is the case
Idempotency-Key retries exist for.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import random
import threading
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vcplatform.errors import ApiError, InjectedFault, PayloadTooLarge, RateLimited, Unavailable
from vcplatform.problems import problem_response
from vcplatform.settings import Faults, RateLimit

EXEMPT = frozenset({"/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/healthz"})
MUTATING = frozenset({"POST", "PATCH", "PUT", "DELETE"})
TRANSPORT_KEY = "vcplatform.transport"


def _exempt(scope: Scope) -> bool:
    return scope["type"] != "http" or scope["path"] in EXEMPT


async def _problem(error: ApiError, scope: Scope, receive: Receive, send: Send) -> None:
    await problem_response(error, scope["path"])(scope, receive, send)


async def drop_connection(scope: Scope) -> None:
    """Close the TCP connection without answering."""
    transport = scope.get(TRANSPORT_KEY)
    if transport is None:
        raise ConnectionAbortedError("fault injection: no transport to drop")
    transport.abort()
    # Let the server notice the disconnect, so it does not try to answer 500 itself.
    for _ in range(3):
        await asyncio.sleep(0)


class TransportCapture:
    """Outermost layer: remember the server's transport so faults can drop it.

    uvicorn hands the app its request cycle's bound ``send``; the cycle holds the
    transport. Without uvicorn (in-process tests) dropping falls back to an exception.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            cycle = getattr(send, "__self__", None)
            transport = getattr(cycle, "transport", None)
            if transport is not None:
                scope[TRANSPORT_KEY] = transport
        await self.app(scope, receive, send)


class FaultMiddleware:
    def __init__(self, app: ASGIApp, faults: Faults) -> None:
        self.app, self.faults = app, faults
        self.random = random.Random(faults.seed)
        self._lock = threading.Lock()

    def _roll(self) -> float:
        with self._lock:
            return self.random.random()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        faults = self.faults
        if _exempt(scope) or not faults.active:
            await self.app(scope, receive, send)
            return
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        roll = self._roll()
        if roll < faults.drop_rate:
            await drop_connection(scope)
            return
        if roll < faults.drop_rate + faults.error_rate:
            with self._lock:
                status = self.random.choice(faults.statuses)
            error: ApiError = (
                Unavailable("injected fault: service unavailable")
                if status == 503
                else InjectedFault("injected fault: internal error")
            )
            if status == 503:
                error.headers = {"Retry-After": "1"}
            await _problem(error, scope, receive, send)
            return
        if scope["method"] in MUTATING and self._roll() < faults.after_commit_rate:
            await self._lose_response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _lose_response(self, scope: Scope, receive: Receive, send: Send) -> None:
        dropped = False

        async def losing_send(message: Message) -> None:
            nonlocal dropped
            if message["type"] == "http.response.start" and not dropped:
                dropped = True
                await drop_connection(scope)

        await self.app(scope, receive, losing_send)


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
        if self.limit is None or _exempt(scope):
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
            await _problem(error, scope, receive, send)
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
                    await _problem(too_large, scope, receive, send)
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
