"""Calls from the video side, and the usage reports built on them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from vcplatform.apimodels import ObjectId
from vcplatform.context import IdempotencyKey, OrgCtx, respond
from vcplatform.errors import ValidationFailed
from vcplatform.usage import api, record
from vcplatform.usage.reports import DateRange, organisation_report, unit_report

router = APIRouter(tags=["usage"])

DEFAULT_DAYS = 30
MAX_DAYS = 732

From = Annotated[
    date | None,
    Query(
        alias="from",
        description=f"First day, inclusive (default: {DEFAULT_DAYS - 1} days before `to`)",
    ),
]
To = Annotated[date | None, Query(alias="to", description="Last day, inclusive (default: today)")]
Timezone = Annotated[
    str,
    Query(
        max_length=64,
        description="IANA time zone of the days and of `busiestHour` (default UTC)",
    ),
]
UnitIds = Annotated[
    list[ObjectId] | None,
    Query(alias="unitId", description="Only these units (repeat the parameter)"),
]


def period(first: date | None, last: date | None, timezone: str) -> DateRange:
    """The report's days; 422 for an unknown zone, a reversed or out-of-range span."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationFailed.field(
            "timezone", "is not an IANA time zone such as Australia/Sydney"
        ) from None
    for name, day in (("from", first), ("to", last)):
        if day is not None and not api.FIRST_YEAR <= day.year <= api.LAST_YEAR:
            raise ValidationFailed.field(
                name, f"must be between {api.FIRST_YEAR} and {api.LAST_YEAR}"
            )
    last = last or datetime.now(zone).date()
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise ValidationFailed.field("from", "must not be after 'to'")
    if (last - first).days >= MAX_DAYS:
        raise ValidationFailed.field("from", f"a report covers at most {MAX_DAYS} days")
    return DateRange(first, last, zone)


@router.post("/orgs/{org}/calls", status_code=201, response_model=api.Call)
def record_call(
    body: api.CallCreate, ctx: OrgCtx, idempotency_key: IdempotencyKey = None
) -> Response:
    """Record a finished call (the video side, authenticated as a system administrator)."""
    principal = ctx.principal
    principal.require(
        principal.system_administrator, "only a system administrator can record calls"
    )

    def change(session: Session) -> tuple[int, dict[str, Any]]:
        return 201, record.serialize_call(record.record_call(session, principal, body))

    return ctx.mutate(change, idempotency_key=idempotency_key, body=body)


@router.get("/orgs/{org}/units/{unit_id}/report", response_model=api.UnitReport)
def get_unit_report(
    unit_id: str,
    ctx: OrgCtx,
    first: From = None,
    last: To = None,
    timezone: Timezone = "UTC",
) -> Response:
    """One unit's usage, and each of its waiting areas and meeting rooms."""
    days = period(first, last, timezone)
    with ctx.reading() as session:
        return respond(200, unit_report(session, ctx.principal, unit_id, days))


@router.get("/orgs/{org}/report", response_model=api.OrganisationReport)
def get_organisation_report(
    ctx: OrgCtx,
    first: From = None,
    last: To = None,
    timezone: Timezone = "UTC",
    unit_ids: UnitIds = None,
) -> Response:
    """Usage by unit and by reporting tag, over the units the caller may read."""
    days = period(first, last, timezone)
    with ctx.reading() as session:
        return respond(200, organisation_report(session, ctx.principal, days, unit_ids or ()))
