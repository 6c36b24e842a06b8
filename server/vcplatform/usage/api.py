"""Bodies of the calls and reports API (camelCase on the wire)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from vcplatform.apimodels import ApiModel, ObjectId

CallScopeType = Literal["waiting-area", "meeting-room"]
CallKind = Literal["consultation", "meeting"]
KIND_OF_SCOPE: dict[str, CallKind] = {"waiting-area": "consultation", "meeting-room": "meeting"}
# Calls and report ranges outside these years are refused (422), so date arithmetic never
# overflows and a typo'd year does not scan the whole table.
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_CALL_HOURS = 24

Timestamp = Annotated[
    datetime,
    Field(strict=False, description="RFC 3339 with a time zone, e.g. 2026-11-30T09:15:00Z"),
]


def to_naive_utc(value: datetime) -> datetime:
    """An aware timestamp as naive UTC (how the database keeps it); 422 when out of range."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError("naive_time", "must carry a time zone, e.g. 'Z' or '+10:00'")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise PydanticCustomError("year_range", f"must be between {FIRST_YEAR} and {LAST_YEAR}")
    return value.astimezone(UTC).replace(tzinfo=None)


class CallCreate(ApiModel):
    """A finished call, as the video side reports it."""

    scope_type: CallScopeType
    scope_id: ObjectId
    started_at: Timestamp = Field(description="When the call began (the provider joined)")
    ended_at: Timestamp = Field(description="When the last participant left")
    wait_seconds: Annotated[int, Field(ge=0, le=86_400)] = Field(
        description="How long the service user waited before the call began"
    )
    participants: Annotated[int, Field(ge=1, le=1000)]

    _utc = field_validator("started_at", "ended_at")(to_naive_utc)

    @field_validator("ended_at")
    @classmethod
    def _after_start(cls, ended: datetime, info: object) -> datetime:
        started = getattr(info, "data", {}).get("started_at")
        if started is not None:
            if ended <= started:
                raise PydanticCustomError("empty_call", "must be later than 'startedAt'")
            if (ended - started).total_seconds() > MAX_CALL_HOURS * 3600:
                raise PydanticCustomError(
                    "long_call", f"a call lasts at most {MAX_CALL_HOURS} hours"
                )
        return ended


class Call(ApiModel):
    id: str
    unit_id: str = Field(description="The unit that held the scope when the call took place")
    scope_type: CallScopeType
    scope_id: str
    kind: CallKind
    started_at: str
    ended_at: str
    wait_seconds: int
    participants: int
    created_at: str


class Usage(ApiModel):
    """Statistics over the calls of a range. Minutes have one decimal; null when no calls."""

    calls: int
    total_minutes: float
    median_minutes: float | None
    median_wait_minutes: float | None
    p90_wait_minutes: float | None = Field(
        alias="p90WaitMinutes", description="90th percentile of the wait"
    )
    busiest_hour: int | None = Field(
        description="Hour of day (0–23, in the report's time zone) in which most calls began"
    )


class ScopeUsage(ApiModel):
    id: str
    name: str = Field(description="The current name, or `(deleted)` for a deleted scope")
    reporting_tags: list[str]
    usage: Usage


class UnitReport(ApiModel):
    unit_id: str
    name: str
    reporting_tags: list[str]
    from_: str = Field(alias="from", description="First day, inclusive (YYYY-MM-DD)")
    to: str = Field(description="Last day, inclusive (YYYY-MM-DD)")
    timezone: str
    usage: Usage
    waiting_areas: list[ScopeUsage]
    meeting_rooms: list[ScopeUsage]


class UnitUsage(ApiModel):
    id: str
    name: str
    reporting_tags: list[str]
    usage: Usage


class TagUsage(ApiModel):
    tag: str | None = Field(
        description="A reporting tag of the unit or the waiting area; null for calls with none"
    )
    usage: Usage


class OrganisationReport(ApiModel):
    organisation: str
    from_: str = Field(alias="from")
    to: str
    timezone: str
    complete: bool = Field(
        description="False when the caller may read only some units' reports: the report "
        "then covers those units only"
    )
    usage: Usage
    units: list[UnitUsage]
    tags: list[TagUsage] = Field(
        description="A call counts once under every tag of its unit and of its waiting area"
    )
