"""Request guards, as plain ASGI middleware, outermost first:

- `RateLimitMiddleware`: a token bucket per caller (the account a valid API token
  belongs to, else the client address);
- `RequestShapeMiddleware`: no NUL characters in the path or query (PostgreSQL cannot
  store them, and no object has one), and a body only as JSON (415 otherwise);
- `BodyLimitMiddleware`: 413 for bodies over the limit, declared or streamed.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from email.message import Message as MediaType
from typing import Any
from urllib.parse import parse_qsl

from fastapi.security.utils import get_authorization_scheme_param
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vcplatform import models
from vcplatform.db import Database
from vcplatform.errors import (
    ApiError,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    UnsupportedMediaType,
    ValidationFailed,
)
from vcplatform.ids import hash_token
from vcplatform.problems import problem_response
from vcplatform.settings import RateLimit

TokenOwner = Callable[[str], Awaitable[str | None]]

# Operations endpoints: never rate limited or faulted, so tests can always read them.
EXEMPT = frozenset({"/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/healthz"})


def exempt(scope: Scope) -> bool:
    return scope["type"] != "http" or scope["path"] in EXEMPT


async def send_problem(error: ApiError, scope: Scope, receive: Receive, send: Send) -> None:
    await problem_response(error, scope["path"])(scope, receive, send)


class RateLimitMiddleware:
    """A token bucket per caller: the account behind a valid API token, else the address.

    Keying on the account (not on the raw header) means no spelling of the header
    (``bearer``, ``BEARER``, extra spaces) and no second token of the same account buys
    a fresh budget, and made-up tokens share their address's budget.
    """

    def __init__(self, app: ASGIApp, limit: RateLimit | None, owner: TokenOwner) -> None:
        self.app, self.limit, self.owner = app, limit, owner
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
        key = await self._caller(scope)
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

    async def _caller(self, scope: Scope) -> str:
        # Parsed exactly as authentication parses it (fastapi.security.HTTPBearer).
        header = _header(scope, b"authorization")
        scheme, credentials = get_authorization_scheme_param(
            header.decode("latin-1") if header is not None else None
        )
        if scheme.lower() == "bearer" and credentials:
            account = await self.owner(credentials)
            if account is not None:
                return f"account:{account}"
        client: Any = scope.get("client") or ("unknown", 0)
        return f"address:{client[0]}"


class TokenOwners:
    """Which account an API token belongs to, for the rate limit (None: no such token).

    Known tokens are remembered (at most ``size``), so a limited caller costs no query;
    a revoked token may keep its account's budget until it is forgotten, which is
    harmless: authentication still refuses it. Unknown tokens are looked up every time.
    """

    def __init__(self, db: Database, size: int = 4096) -> None:
        self.db, self.size = db, size
        self._known: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    async def __call__(self, token: str) -> str | None:
        digest = hash_token(token)
        with self._lock:
            if digest in self._known:
                self._known.move_to_end(digest)
                return self._known[digest]
        account = await run_in_threadpool(self._lookup, digest)
        if account is not None:
            with self._lock:
                self._known[digest] = account
                while len(self._known) > self.size:
                    self._known.popitem(last=False)
        return account

    def _lookup(self, digest: str) -> str | None:
        with self.db.reading() as session:
            return session.scalar(
                select(models.ApiToken.account_id).where(models.ApiToken.token_hash == digest)
            )


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value)
    return None


def is_json_media_type(content_type: str) -> bool:
    """``application/json`` or ``application/<anything>+json``, any parameters."""
    media = MediaType()
    media["content-type"] = content_type
    if media.get_content_maintype() != "application":
        return False
    subtype = media.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


class RequestShapeMiddleware:
    """Refuse what no handler can take, before any handler or database sees it.

    - A NUL character in the path: 404 (no object has one in its id).
    - A NUL character in a query parameter: 422 naming the parameter.
    - A body (Content-Length above 0, or chunked) whose Content-Type is missing or is
      not JSON: 415 ``unsupported-media-type``.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        error = _shape_error(scope)
        if error is not None:
            await send_problem(error, scope, receive, send)
            return
        await self.app(scope, receive, send)


def _shape_error(scope: Scope) -> ApiError | None:
    if "\x00" in scope["path"]:
        return NotFound("there is no resource at a path with a NUL character")
    query: bytes = scope.get("query_string", b"")
    if b"\x00" in query or b"%00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return ValidationFailed.field(name, "must not contain NUL characters")
    if _has_body(scope):
        content_type = (_header(scope, b"content-type") or b"").decode("latin-1").strip()
        if not content_type or not is_json_media_type(content_type):
            sent = f"not {content_type!r}" if content_type else "not without a Content-Type"
            return UnsupportedMediaType(f"send the body as application/json, {sent}")
    return None


def _has_body(scope: Scope) -> bool:
    length = _header(scope, b"content-length")
    if length is not None:
        try:
            return int(length) > 0
        except ValueError:
            return True
    encoding = _header(scope, b"transfer-encoding")
    return encoding is not None and b"chunked" in encoding.lower()


class BodyLimitMiddleware:
    """413 for bodies over the limit, declared (Content-Length) or streamed.

    A streamed (chunked) body is read in full, up to the limit, before the application
    sees any of it, so an oversize one is answered 413 like a declared one.
    """

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
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending its body
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await send_problem(too_large, scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
