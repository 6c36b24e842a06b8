"""Per-request context: the caller, the database, and the write-transaction runner.

Every change runs through :meth:`RequestContext.mutate`, which owns the transaction,
the Idempotency-Key bookkeeping and the response (with its ETag).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vcplatform import models
from vcplatform.access import Principal, authenticate
from vcplatform.db import Database
from vcplatform.errors import IdempotencyKeyReused, PreconditionFailed
from vcplatform.settings import Settings

Outcome = tuple[int, dict[str, Any] | None]

bearer = HTTPBearer(auto_error=False, description="An API token from `vcplatform token create`")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description=(
            "Retrying a POST or PATCH with the same key and body replays the first answer; "
            "the same key with another request is 409 idempotency-key-reused, naming the "
            "object the first request created or changed"
        ),
    ),
]
IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", max_length=64, description='The object\'s ETag, e.g. "3"'),
]


@dataclass
class RequestContext:
    request: Request
    db: Database
    settings: Settings
    principal: Principal

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.db.reading() as session:
            yield session

    def mutate(
        self,
        change: Callable[[Session], Outcome],
        *,
        idempotency_key: str | None = None,
        body: Any = None,
    ) -> Response:
        """Run ``change`` in one write transaction and answer with what it returned."""
        if idempotency_key is None:
            with self.db.writing() as session:
                return respond(*change(session))
        fingerprint = self._fingerprint(body)
        for attempt in (1, 2):
            try:
                with self.db.writing() as session:
                    record = session.get(
                        models.IdempotencyRecord, (self.principal.account_id, idempotency_key)
                    )
                    if record is not None:
                        return self._replay(record, fingerprint)
                    # Claim the key before the change: a concurrent twin now waits on it.
                    record = models.IdempotencyRecord(
                        account_id=self.principal.account_id,
                        key=idempotency_key,
                        request_hash=fingerprint,
                        status=0,
                        body=None,
                    )
                    session.add(record)
                    session.flush()
                    status, result = change(session)
                    record.status, record.body = status, result
                    return respond(status, result)
            except IntegrityError:
                # Either a twin request claimed the key first (replay it next time
                # round) or the change itself conflicts (the handler maps it to 409).
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _fingerprint(self, body: Any) -> str:
        if hasattr(body, "model_dump"):
            body = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
        text = json.dumps(
            [self.request.method, self.request.url.path, body], sort_keys=True, default=str
        )
        return hashlib.sha256(text.encode()).hexdigest()

    @staticmethod
    def _replay(record: models.IdempotencyRecord, fingerprint: str) -> Response:
        if record.request_hash != fingerprint:
            made = record.body if isinstance(record.body, dict) else {}
            object_id = made.get("id") if isinstance(made.get("id"), str) else None
            version = made.get("version") if isinstance(made.get("version"), int) else None
            what = f" (it produced {object_id} at version {version})" if object_id else ""
            raise IdempotencyKeyReused(
                f"the Idempotency-Key was already used for a different request{what}; "
                "use a new key for a new request",
                existing_id=object_id,
                existing_version=version,
            )
        response = respond(record.status, record.body)
        response.headers["Idempotency-Replayed"] = "true"
        return response


def respond(status: int, body: dict[str, Any] | None) -> Response:
    if body is None:
        return Response(status_code=status)
    response = JSONResponse(body, status_code=status)
    if isinstance(body.get("version"), int):
        response.headers["ETag"] = f'"{body["version"]}"'
    return response


def check_if_match(if_match: str | None, version: int) -> None:
    """412 when the client's ETag is stale. ``*`` and absent headers always pass."""
    if if_match is None or if_match.strip() == "*":
        return
    tags = [tag.strip().removeprefix("W/").strip('"') for tag in if_match.split(",")]
    if str(version) not in tags:
        raise PreconditionFailed(
            f"the object is at version {version}, not {if_match.strip()}; "
            "read it again and retry the change"
        )


def _context(request: Request, credentials: Credentials, org: str | None) -> RequestContext:
    db: Database = request.app.state.db
    with db.reading() as session:
        principal = authenticate(session, credentials.credentials if credentials else None, org)
    return RequestContext(request, db, request.app.state.settings, principal)


def org_context(request: Request, org: str, credentials: Credentials) -> RequestContext:
    return _context(request, credentials, org)


def account_context(request: Request, credentials: Credentials) -> RequestContext:
    return _context(request, credentials, None)


OrgCtx = Annotated[RequestContext, Depends(org_context)]
AccountCtx = Annotated[RequestContext, Depends(account_context)]
