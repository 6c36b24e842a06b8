"""Fault injection, as plain ASGI middleware.

Faults strike before the application sees the request, so an injected 500/503 or
dropped connection never half-applies a change. The one exception is
``after_commit_rate``: the change commits, then the response is lost, which is the case
Idempotency-Key retries exist for.
"""

from __future__ import annotations

import asyncio
import random
import threading

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vcplatform.errors import ApiError, InjectedFault, Unavailable
from vcplatform.guards import exempt, send_problem
from vcplatform.settings import Faults

MUTATING = frozenset({"POST", "PATCH", "PUT", "DELETE"})
TRANSPORT_KEY = "vcplatform.transport"


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
        if exempt(scope) or not faults.active:
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
            await send_problem(error, scope, receive, send)
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
