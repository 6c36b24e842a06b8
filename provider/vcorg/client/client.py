"""The typed HTTP client of the platform API v1 (see docs/architecture.md)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import httpx

from ._types import Collection, JSONObject, Written
from .errors import (
    ApiError,
    ProblemDocument,
    RateLimited,
    TransportError,
    describe_problem,
    error_class_for,
    redact,
)
from .pacing import Pacer
from .retry import RetryPolicy, parse_retry_after
from .settings import API_PREFIX, ClientSettings
from .stats import RequestStats

USER_AGENT = "vcorg/0.1"


class PlatformClient:
    """One connection to one platform, shared by every organisation the token can see.

    ``transport`` is the seam for tests (``httpx.MockTransport``); ``sleep`` and ``clock``
    let retry tests run without waiting.
    """

    def __init__(
        self,
        settings: ClientSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout: float = 15.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.retry = retry or RetryPolicy()
        self.stats = RequestStats()
        self._sleep = sleep
        self._clock = clock
        self.pacer = Pacer(clock=clock, sleep=sleep)
        self._http = httpx.Client(
            base_url=settings.api_url + API_PREFIX,
            headers={
                "Authorization": f"Bearer {settings.token}",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
            timeout=timeout,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the retry loop ---------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        action: str,
        subject: str | None = None,
    ) -> httpx.Response:
        """Send one logical request, retrying as :class:`RetryPolicy` allows.

        Returns the successful response; raises a :class:`PlatformError` subclass otherwise.
        """
        method = method.upper()
        request = self._http.build_request(
            method,
            path,
            json=json,
            params=_query(params),
            headers=dict(headers or {}),
        )
        started = self._clock()
        attempt = 0
        limited = 0  # 429s: waited out, not counted against max_attempts
        while True:
            attempt += 1
            self.stats.record_attempt(retry=attempt > 1)
            wait: float | None
            self.pacer.acquire()
            try:
                response = self._http.send(request)
            except httpx.TransportError as exc:
                if not self.retry.should_retry_exception(exc, method, request.headers):
                    raise self._transport_error(exc, action, subject) from None
                wait = self.retry.backoff(attempt - 1)
                if not self._may_wait(attempt, started, wait):
                    raise self._transport_error(exc, action, subject) from None
                self._sleep(wait)
                continue

            status = response.status_code
            self.stats.record_status(status)
            if status != 429:
                self.pacer.succeeded()
            if status < 400:
                return response
            response.read()
            if not self.retry.should_retry_status(status, method, request.headers):
                raise self._api_error(response, method, path, action, subject)
            wait = self.retry.backoff(attempt - 1 - limited)
            if status == 429:
                limited += 1
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if retry_after is not None and retry_after > self.retry.max_retry_after:
                    raise self._api_error(response, method, path, action, subject)
                # The pacer makes every thread wait it out and slows the client down to
                # what the platform accepts; this call then goes again in its turn.
                if not self._may_wait(attempt - limited, started, retry_after or 0.0):
                    raise self._api_error(response, method, path, action, subject)
                self.pacer.limited_for(retry_after)
                continue
            if not self._may_wait(attempt - limited, started, wait):
                raise self._api_error(response, method, path, action, subject)
            self._sleep(wait)

    def _may_wait(self, attempt: int, started: float, wait: float) -> bool:
        if attempt >= self.retry.max_attempts:
            return False
        return (self._clock() - started) + wait <= self.retry.deadline

    def _secrets(self) -> tuple[str, ...]:
        return (self.settings.token,)

    def _transport_error(
        self, exc: httpx.TransportError, action: str, subject: str | None
    ) -> TransportError:
        target = f" {subject}" if subject else ""
        kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
        text = (
            f"Could not {action}{target}: the connection to {self.settings.api_url} {kind} "
            f"({type(exc).__name__}: {exc or 'no details'}).\n{TransportError.hint}"
        )
        return TransportError(redact(text, self._secrets()))

    def _api_error(
        self,
        response: httpx.Response,
        method: str,
        path: str,
        action: str,
        subject: str | None,
    ) -> ApiError:
        try:
            data = response.json()
        except ValueError:
            data = None
        problem = ProblemDocument.from_json(response.status_code, data)
        if not problem.detail and not problem.title:
            problem.detail = response.reason_phrase
        cls = error_class_for(response.status_code)
        secrets = self._secrets()
        problem.detail = redact(problem.detail, secrets)
        problem.title = redact(problem.title, secrets)
        text = redact(
            describe_problem(action=action, subject=subject, problem=problem, hint=cls.hint),
            secrets,
        )
        kwargs: dict[str, Any] = {
            "problem": problem,
            "method": method,
            "path": path,
            "subject": subject,
        }
        if cls is RateLimited:
            kwargs["retry_after"] = parse_retry_after(response.headers.get("Retry-After"))
        return cls(text, **kwargs)

    # -- generic collection operations ---------------------------------------------

    @staticmethod
    def _path(org: str, collection: Collection, object_id: str | None = None) -> str:
        path = f"/orgs/{org}/{collection.value}"
        return f"{path}/{object_id}" if object_id else path

    def iter_objects(
        self,
        org: str,
        collection: Collection,
        *,
        page_size: int = 500,
        **filters: str | None,
    ) -> Iterator[JSONObject]:
        """Every object of a collection, following ``nextCursor`` page by page.

        ``filters`` are snake_case query filters (``unit_id=...``), sent in camelCase.
        """
        return self._pages(org, collection, page_size, filters)

    def _pages(
        self,
        org: str,
        collection: Collection,
        page_size: int,
        filters: Mapping[str, str | None],
    ) -> Iterator[JSONObject]:
        params: dict[str, Any] = {_camel(k): v for k, v in filters.items() if v is not None}
        params["limit"] = page_size
        cursor: str | None = None
        while True:
            if cursor:
                params["cursor"] = cursor
            response = self.request(
                "GET",
                self._path(org, collection),
                params=params,
                action=f"list {collection.label}s of organisation '{org}'",
            )
            body: JSONObject = response.json()
            yield from body.get("items", [])
            cursor = body.get("nextCursor")
            if not cursor:
                return

    def list_objects(
        self, org: str, collection: Collection, **filters: str | None
    ) -> list[JSONObject]:
        return list(self._pages(org, collection, 500, filters))

    def get_object(
        self, org: str, collection: Collection, object_id: str, *, subject: str | None = None
    ) -> JSONObject:
        response = self._object_request("GET", org, collection, object_id, "read", subject)
        return _with_version(response)

    def create(
        self,
        org: str,
        collection: Collection,
        body: JSONObject,
        *,
        idempotency_key: str | None = None,
        subject: str | None = None,
    ) -> Written:
        """POST a new object; the answer says whether the platform replayed an earlier one."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        response = self.request(
            "POST",
            self._path(org, collection),
            json=body,
            headers=headers,
            action="create",
            subject=subject or _subject(collection, body),
        )
        return _written(response)

    def create_object(
        self,
        org: str,
        collection: Collection,
        body: JSONObject,
        *,
        idempotency_key: str | None = None,
        subject: str | None = None,
    ) -> JSONObject:
        """POST a new object and return it (`create` also says whether it was replayed)."""
        return self.create(
            org, collection, body, idempotency_key=idempotency_key, subject=subject
        ).object

    def update(
        self,
        org: str,
        collection: Collection,
        object_id: str,
        patch: JSONObject,
        *,
        version: int | float | None = None,
        idempotency_key: str | None = None,
        subject: str | None = None,
    ) -> Written:
        """PATCH an object (If-Match ``version``); with a key, a repeat is replayed."""
        headers = _if_match(version)
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        response = self._object_request(
            "PATCH",
            org,
            collection,
            object_id,
            "update",
            subject,
            json=patch,
            headers=headers,
        )
        return _written(response)

    def update_object(
        self,
        org: str,
        collection: Collection,
        object_id: str,
        patch: JSONObject,
        *,
        version: int | float | None = None,
        subject: str | None = None,
    ) -> JSONObject:
        """PATCH an object and return it (`update` also takes a key and reports replays)."""
        written = self.update(org, collection, object_id, patch, version=version, subject=subject)
        return written.object

    def delete_object(
        self,
        org: str,
        collection: Collection,
        object_id: str,
        *,
        version: int | float | None = None,
        subject: str | None = None,
    ) -> None:
        self._object_request(
            "DELETE", org, collection, object_id, "delete", subject, headers=_if_match(version)
        )

    def _object_request(
        self,
        method: str,
        org: str,
        collection: Collection,
        object_id: str,
        action: str,
        subject: str | None,
        **kwargs: Any,
    ) -> httpx.Response:
        """One request on an existing object; errors name it by kind and id by default."""
        return self.request(
            method,
            self._path(org, collection, object_id),
            action=action,
            subject=subject or f"{collection.label} {object_id}",
            **kwargs,
        )

    # -- named operations ------------------------------------------------------------

    def me(self) -> JSONObject:
        me: JSONObject = self.request(
            "GET", "/me", action="identify the API token's account"
        ).json()
        return me

    def organisation(self, org: str) -> JSONObject:
        found: JSONObject = self.request(
            "GET", f"/orgs/{org}", action="read", subject=f"organisation '{org}'"
        ).json()
        return found

    def list_units(self, org: str) -> list[JSONObject]:
        return self.list_objects(org, Collection.UNITS)

    def list_meeting_rooms(self, org: str, *, unit_id: str | None = None) -> list[JSONObject]:
        return self.list_objects(org, Collection.MEETING_ROOMS, unit_id=unit_id)

    def list_waiting_areas(self, org: str, *, unit_id: str | None = None) -> list[JSONObject]:
        return self.list_objects(org, Collection.WAITING_AREAS, unit_id=unit_id)

    def list_grants(
        self,
        org: str,
        *,
        scope_type: str | None = None,
        scope_id: str | None = None,
        unit_id: str | None = None,
        role: str | None = None,
        state: str | None = None,
    ) -> list[JSONObject]:
        return self.list_objects(
            org,
            Collection.GRANTS,
            scope_type=scope_type,
            scope_id=scope_id,
            unit_id=unit_id,
            role=role,
            state=state,
        )

    def iter_audit(
        self, org: str, *, since: str | None = None, page_size: int = 500
    ) -> Iterator[JSONObject]:
        """The audit log oldest first, page by page; with ``since`` (RFC 3339), only the
        events at or after it. Only a system administrator may read it (else `Forbidden`)."""
        params: dict[str, Any] = {"limit": page_size}
        if since is not None:
            params["since"] = since
        while True:
            body: JSONObject = self.request(
                "GET",
                f"/orgs/{org}/audit",
                params=params,
                action=f"read the audit log of organisation '{org}'",
            ).json()
            yield from body.get("items", [])
            cursor = body.get("nextCursor")
            if not cursor:
                return
            params["cursor"] = cursor

    def reset_meeting_room_link(self, org: str, room_id: str) -> JSONObject:
        response = self.request(
            "POST",
            f"{self._path(org, Collection.MEETING_ROOMS, room_id)}/reset-link",
            action="reset the link of",
            subject=f"meeting room {room_id}",
        )
        return _with_version(response)

    def create_grant(
        self, org: str, *, scope_type: str, scope_id: str, role: str, email: str
    ) -> JSONObject:
        # A fresh key per call makes retries after a lost response safe; across runs a
        # repeated invitation is answered 409 with the existing grant instead.
        return self.create_object(
            org,
            Collection.GRANTS,
            {"scopeType": scope_type, "scopeId": scope_id, "role": role, "email": email},
            idempotency_key=uuid.uuid4().hex,
            subject=f"invitation of {email} as {role} of {scope_type} {scope_id}",
        )

    def resend_grant(self, org: str, grant_id: str, *, email: str | None = None) -> JSONObject:
        response = self.request(
            "POST",
            f"{self._path(org, Collection.GRANTS, grant_id)}/resend",
            headers={"Idempotency-Key": uuid.uuid4().hex},
            action="re-send",
            subject=f"the invitation of {email}" if email else f"invitation {grant_id}",
        )
        grant: JSONObject = response.json()
        return grant

    def delete_grant(self, org: str, grant_id: str, *, email: str | None = None) -> None:
        self.request(
            "DELETE",
            self._path(org, Collection.GRANTS, grant_id),
            action="remove",
            subject=f"the role grant of {email}" if email else f"role grant {grant_id}",
        )

    # -- usage reports -----------------------------------------------------------------

    def unit_report(
        self,
        org: str,
        unit_id: str,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        timezone: str | None = None,
        subject: str | None = None,
    ) -> JSONObject:
        """One unit's usage report (``GET /units/{id}/report``); dates are YYYY-MM-DD."""
        report: JSONObject = self.request(
            "GET",
            f"{self._path(org, Collection.UNITS, unit_id)}/report",
            params={"from": date_from, "to": date_to, "timezone": timezone},
            action="read the usage report of",
            subject=subject or f"unit {unit_id}",
        ).json()
        return report

    def organisation_report(
        self,
        org: str,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        timezone: str | None = None,
        unit_ids: Sequence[str] = (),
    ) -> JSONObject:
        """Usage by unit and by reporting tag (``GET /report``), over readable units."""
        params = [("from", date_from), ("to", date_to), ("timezone", timezone)]
        params += [("unitId", unit_id) for unit_id in unit_ids]
        report: JSONObject = self.request(
            "GET",
            f"/orgs/{org}/report",
            params=params,
            action="read the usage report of",
            subject=f"organisation '{org}'",
        ).json()
        return report


def _query(
    params: Mapping[str, Any] | Sequence[tuple[str, Any]] | None,
) -> list[tuple[str, Any]]:
    """Query parameters without the ``None`` values; pairs may repeat a name."""
    pairs = params.items() if isinstance(params, Mapping) else (params or ())
    return [(name, value) for name, value in pairs if value is not None]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _if_match(version: int | float | None) -> dict[str, str]:
    # Versions that went through Pulumi state come back as floats (2.0).
    return {"If-Match": f'"{int(version)}"'} if version is not None else {}


def _subject(collection: Collection, body: Mapping[str, Any]) -> str:
    name = body.get("name")
    return f"{collection.label} '{name}'" if name else collection.label


def _written(response: httpx.Response) -> Written:
    replayed = response.headers.get("Idempotency-Replayed", "").lower() == "true"
    return Written(_with_version(response), replayed=replayed)


def _with_version(response: httpx.Response) -> JSONObject:
    obj: JSONObject = response.json()
    etag = response.headers.get("ETag", "").strip('W/"')
    if "version" not in obj and etag.isdigit():
        obj["version"] = int(etag)
    return obj
