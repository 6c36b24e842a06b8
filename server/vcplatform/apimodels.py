"""Request and response bodies of platform API v1 (camelCase on the wire)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from vcplatform.roles import Role, ScopeType

# No text holds a NUL character: PostgreSQL cannot store one, so both backends refuse it
# (422 "must not contain NUL characters"). Names need one visible character.
VISIBLE_NO_NUL = r"^[^\x00]*[^\x00\s][^\x00]*$"
NO_NUL = r"^[^\x00]*$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=VISIBLE_NO_NUL)]
Text = Annotated[str, StringConstraints(max_length=4000, pattern=NO_NUL)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=VISIBLE_NO_NUL)]
Tags = Annotated[list[Tag], Field(max_length=50)]
Email = Annotated[
    str,
    StringConstraints(max_length=320, pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s.\x00]+$"),
]
ObjectId = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=NO_NUL)]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WaitingAreaType = Literal["regular", "group-consultation", "consult-now"]
CallerDetailType = Literal["text", "date", "number", "email", "phone"]
GrantState = Literal["active", "pending", "expired", "revoked"]
DAYS: tuple[str, ...] = get_args(Day)


class ApiModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", strict=True
    )


class PatchModel(ApiModel):
    """All fields optional; an absent field is left alone, ``null`` is refused.

    Fields default to ``None`` without allowing it (defaults are not validated), so the
    schema says "string" rather than "string or null" and a sent ``null`` fails below.
    That default is what each ``# type: ignore[assignment]`` on a subclass field allows.
    """

    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise PydanticCustomError("not_nullable", "may not be null")
        return value


# --- waiting-area settings -------------------------------------------------------------

HHMM = Annotated[str, StringConstraints(pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")]


class OpenBlock(ApiModel):
    days: Annotated[list[Day], Field(min_length=1, max_length=7)]
    from_: HHMM = Field(alias="from")
    to: HHMM

    @field_validator("days")
    @classmethod
    def _unique_days(cls, days: list[str]) -> list[str]:
        if len(set(days)) != len(days):
            raise PydanticCustomError("duplicate_day", "lists a day more than once")
        return sorted(days, key=DAYS.index)

    @field_validator("to")
    @classmethod
    def _after_from(cls, to: str, info: ValidationInfo) -> str:
        start = info.data.get("from_")
        if start is not None and to <= start:
            raise PydanticCustomError("empty_block", "must be later than 'from'")
        return to


def _default_open() -> list[OpenBlock]:
    return [OpenBlock(days=["mon", "tue", "wed", "thu", "fri"], **{"from": "09:00"}, to="17:00")]


class AccessHours(ApiModel):
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "UTC"
    open: Annotated[list[OpenBlock], Field(max_length=50)] = Field(default_factory=_default_open)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise PydanticCustomError(
                "unknown_timezone", "is not an IANA time zone such as Europe/London"
            ) from exc
        return zone


class CallerDetail(ApiModel):
    key: Annotated[str, StringConstraints(pattern=r"^[a-z][A-Za-z0-9]{0,63}$")]
    label: Name
    type: CallerDetailType = "text"
    required: bool = False


CallerDetails = Annotated[list[CallerDetail], Field(max_length=30)]


def _unique_keys(details: list[CallerDetail] | None) -> list[CallerDetail] | None:
    if details is not None:
        keys = [d.key for d in details]
        if len(set(keys)) != len(keys):
            raise PydanticCustomError("duplicate_key", "caller-detail keys must be unique")
    return details


QueueLength = Annotated[int, Field(ge=1, le=50)]


class WaitingAreaCreate(ApiModel):
    unit_id: ObjectId
    name: Name
    description: Text = ""
    type: WaitingAreaType = "regular"
    max_queue_length: QueueLength | None = None
    access_hours: AccessHours = Field(default_factory=AccessHours)
    caller_details: CallerDetails = Field(default_factory=list)
    information_for_callers: Text = ""
    suspended: bool = False
    suspended_message_for_callers: Text = ""
    suspended_message_for_staff: Text = ""
    reporting_tags: Tags = Field(default_factory=list)

    _keys = field_validator("caller_details")(_unique_keys)


class WaitingAreaPatch(PatchModel):
    nullable: ClassVar[frozenset[str]] = frozenset({"max_queue_length"})

    unit_id: ObjectId = None  # type: ignore[assignment]
    name: Name = None  # type: ignore[assignment]
    description: Text = None  # type: ignore[assignment]
    type: WaitingAreaType = None  # type: ignore[assignment]
    max_queue_length: QueueLength | None = None
    access_hours: AccessHours = None  # type: ignore[assignment]
    caller_details: CallerDetails = None  # type: ignore[assignment]
    information_for_callers: Text = None  # type: ignore[assignment]
    suspended: bool = None  # type: ignore[assignment]
    suspended_message_for_callers: Text = None  # type: ignore[assignment]
    suspended_message_for_staff: Text = None  # type: ignore[assignment]
    reporting_tags: Tags = None  # type: ignore[assignment]

    _keys = field_validator("caller_details")(_unique_keys)


# --- units, meeting rooms, grants ------------------------------------------------------


class UnitCreate(ApiModel):
    name: Name
    description: Text = ""
    reporting_tags: Tags = Field(default_factory=list)


class UnitPatch(PatchModel):
    name: Name = None  # type: ignore[assignment]
    description: Text = None  # type: ignore[assignment]
    reporting_tags: Tags = None  # type: ignore[assignment]


Participants = Annotated[int, Field(ge=2, le=6)]


class MeetingRoomCreate(ApiModel):
    unit_id: ObjectId
    name: Name
    description: Text = ""
    max_participants: Participants = 6
    waiting_area_id: ObjectId | None = None


class MeetingRoomPatch(PatchModel):
    nullable: ClassVar[frozenset[str]] = frozenset({"waiting_area_id"})

    # Accepted so that a client may echo it back; any other value is refused (422).
    unit_id: ObjectId = None  # type: ignore[assignment]
    name: Name = None  # type: ignore[assignment]
    description: Text = None  # type: ignore[assignment]
    max_participants: Participants = None  # type: ignore[assignment]
    waiting_area_id: ObjectId | None = None


class GrantCreate(ApiModel):
    scope_type: ScopeType
    scope_id: ObjectId
    role: Role
    email: Email


# --- responses -------------------------------------------------------------------------


class Common(ApiModel):
    id: str
    created_at: str
    updated_at: str
    version: int


class Organisation(Common):
    key: str
    name: str


class Unit(Common):
    name: str
    description: str
    reporting_tags: list[str]


class WaitingArea(Common):
    unit_id: str
    name: str
    description: str
    type: WaitingAreaType
    max_queue_length: int | None
    access_hours: AccessHours
    caller_details: list[CallerDetail]
    information_for_callers: str
    suspended: bool
    suspended_message_for_callers: str
    suspended_message_for_staff: str
    reporting_tags: list[str]
    link: str


class MeetingRoom(Common):
    unit_id: str
    name: str
    description: str
    max_participants: int
    waiting_area_id: str | None
    link: str


class Invitation(ApiModel):
    sent_at: str
    expires_at: str
    send_count: int


class Grant(Common):
    scope_type: ScopeType
    scope_id: str
    role: Role
    email: str
    state: GrantState
    invitation: Invitation | None
    account_id: str | None
    invited_at: str | None = Field(
        default=None, description="When the first invitation was sent (kept across re-sends)"
    )
    accepted_at: str | None = Field(
        default=None,
        description="When the grant became active: the invitation was accepted, or the "
        "email already had an account",
    )
    granted_by: str | None = Field(
        default=None, description="Who created the grant: an email, or `operator`"
    )


class MeRole(ApiModel):
    role: str
    scope_type: str
    scope_id: str


class Me(ApiModel):
    account_id: str
    email: str
    organisation: str
    roles: list[MeRole]


class AuditEvent(ApiModel):
    id: str
    at: str
    actor: str
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class Page(ApiModel):
    next_cursor: str | None


class UnitPage(Page):
    items: list[Unit]


class WaitingAreaPage(Page):
    items: list[WaitingArea]


class MeetingRoomPage(Page):
    items: list[MeetingRoom]


class GrantPage(Page):
    items: list[Grant]


class AuditPage(Page):
    items: list[AuditEvent]


class FieldProblem(ApiModel):
    field: str
    message: str


class Problem(ApiModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    # Absent unless set, and never null: the PatchModel pattern (see there).
    errors: list[FieldProblem] = None  # type: ignore[assignment]
    existing_id: str = None  # type: ignore[assignment]
    existing_version: int = None  # type: ignore[assignment]
