"""The typed organisation model, and the single source of the JSON Schema.

Attribute names are snake_case; the YAML uses the camelCase aliases. Models are
frozen and strict (no silent coercion of ``"6"`` to ``6``) and forbid unknown
keys. Field descriptions and examples become hover text in editors and the
generated ``docs/config-reference.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints
from pydantic.alias_generators import to_camel

from vcorg.config.positions import Position, SourceMap
from vcorg.config.text import real_email, visible_text
from vcorg.vocabulary import (
    CALLER_KEY_PATTERN,
    DEFAULT_FROM,
    DEFAULT_TO,
    EMAIL_PATTERN,
    KEY_PATTERN,
    MAX_CALLER_KEY_LENGTH,
    MAX_EMAIL_LENGTH,
    MAX_KEY_LENGTH,
    MAX_NAME_LENGTH,
    MAX_PARTICIPANTS,
    MAX_REPORTING_TAGS,
    MAX_TAG_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_TIMEZONE_LENGTH,
    MIN_PARTICIPANTS,
    NAME_PATTERN,
    TIME_PATTERN,
    TIMEZONE_PATTERN,
    WEEKDAYS,
    CallerDetailType,
    Day,
    UnmanagedKind,
    WaitingAreaType,
)

API_VERSION = "vcorg/v1"

Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN, max_length=MAX_KEY_LENGTH)]
Name = Annotated[
    str,
    StringConstraints(pattern=NAME_PATTERN, min_length=1, max_length=MAX_NAME_LENGTH),
    AfterValidator(visible_text),
]
Email = Annotated[
    str,
    StringConstraints(pattern=EMAIL_PATTERN, max_length=MAX_EMAIL_LENGTH),
    AfterValidator(real_email),
]
Time = Annotated[str, StringConstraints(pattern=TIME_PATTERN)]
Timezone = Annotated[
    str, StringConstraints(pattern=TIMEZONE_PATTERN, max_length=MAX_TIMEZONE_LENGTH)
]
Tag = Annotated[
    str,
    StringConstraints(pattern=NAME_PATTERN, min_length=1, max_length=MAX_TAG_LENGTH),
    AfterValidator(visible_text),
]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT_LENGTH)]
CallerKey = Annotated[
    str, StringConstraints(pattern=CALLER_KEY_PATTERN, max_length=MAX_CALLER_KEY_LENGTH)
]
NamePattern = Annotated[
    str,
    StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH * 3),
    AfterValidator(visible_text),
]


class _Model(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        strict=True,
        alias_generator=to_camel,
        populate_by_name=True,
    )


def _emails(description: str, example: str) -> Any:
    return Field(
        default_factory=list,
        description=f"{description} Emails are invitations; they compare case-insensitively.",
        examples=[[example]],
    )


def _tags() -> Any:
    return Field(
        default_factory=list,
        max_length=MAX_REPORTING_TAGS,
        description=(
            f"Reporting tags: each adds a column to the platform's reports. "
            f"At most {MAX_REPORTING_TAGS}."
        ),
        examples=[["medicine", "outpatient"]],
    )


class Defaults(_Model):
    """Organisation-wide defaults."""

    timezone: Timezone | None = Field(
        default=None,
        description=(
            "IANA time zone used by every waiting area whose access hours give none. "
            "Give it here or in each waiting area."
        ),
        examples=["Australia/Sydney"],
    )
    adopt_existing: bool = Field(
        default=False,
        description=(
            "When true, an existing platform object with the same name is taken over "
            "instead of failing the apply. Use it once, when bringing an organisation "
            "that was configured by hand under vcorg."
        ),
        examples=[True],
    )
    console_owned: ConsoleOwned = Field(
        default_factory=lambda: ConsoleOwned(),
        description=(
            "Fields the people who run the clinics own, organisation-wide, per kind. vcorg "
            "sets them when it creates an object and never reverts them afterwards "
            "(Pulumi's `ignoreChanges`); `vcorg drift` shows their changes as console-owned, "
            "not as drift. An object's own `consoleOwned` adds to these."
        ),
        examples=[{"waitingAreas": ["suspended", "suspendedMessageForCallers"]}],
    )


def _console_owned(kind: str, example: list[str]) -> Any:
    return Field(
        default_factory=list,
        description=(
            f"Fields of this {kind} that the console owns, besides those in "
            "`defaults.consoleOwned`: set when vcorg creates it, never reverted afterwards, "
            "and reported by `vcorg drift` as console-owned rather than as drift."
        ),
        examples=[example],
    )


class OpenBlock(_Model):
    """One block of opening hours: the same times on each of the listed days."""

    days: list[Day] = Field(
        min_length=1,
        description="Days of the week this block applies to; each at most once.",
        examples=[["mon", "tue", "wed", "thu", "fri"]],
    )
    from_: Time = Field(
        alias="from",
        description="Opening time, 24-hour HH:MM, in the access hours' time zone. Quote it.",
        examples=["08:00"],
    )
    to: Time = Field(
        description="Closing time, 24-hour HH:MM, later than `from` (24:00 for midnight).",
        examples=["17:30"],
    )


def default_open_blocks() -> list[OpenBlock]:
    return [OpenBlock(days=list(WEEKDAYS), from_=DEFAULT_FROM, to=DEFAULT_TO)]


class AccessHours(_Model):
    """When service users can enter the waiting area. Default: Mon–Fri 09:00–17:00."""

    timezone: Timezone | None = Field(
        default=None,
        description="IANA time zone of the times below. Default: `defaults.timezone`.",
        examples=["Australia/Sydney"],
    )
    open: list[OpenBlock] = Field(
        default_factory=default_open_blocks,
        description=(
            "Opening blocks. Blocks must not overlap on the same day. "
            "An empty list means the area is never open. Default: Mon–Fri 09:00–17:00."
        ),
        examples=[[{"days": ["mon", "wed"], "from": "08:00", "to": "12:00"}]],
    )


class CallerDetail(_Model):
    """A question asked of service users before they join (name and phone are always asked)."""

    key: CallerKey = Field(
        description="Identifier of the answer in reports; unique within the waiting area.",
        examples=["dob"],
    )
    label: Name = Field(description="Question shown to the caller.", examples=["Date of birth"])
    type: CallerDetailType = Field(
        default="text", description="Kind of answer expected.", examples=["date"]
    )
    required: bool = Field(
        default=False, description="Whether the caller must answer.", examples=[True]
    )


class UnitRoles(_Model):
    """People invited to unit-scope roles."""

    organisation_administrators: list[Email] = _emails(
        "Organisation administrators manage the unit, its areas, rooms and people. "
        "Every unit needs at least one.",
        "ana.lee@metro-health.example",
    )
    organisation_reporters: list[Email] = _emails(
        "Organisation reporters can read the unit's reports.", "data.team@metro-health.example"
    )


class WaitingAreaRoles(_Model):
    """People invited to waiting-area roles."""

    service_administrators: list[Email] = _emails(
        "Service administrators manage the waiting area.", "ana.lee@metro-health.example"
    )
    service_providers: list[Email] = _emails(
        "Service providers see the queue and call service users in.",
        "dr.khan@metro-health.example",
    )


class MeetingRoomRoles(_Model):
    """People invited to meeting-room roles."""

    meeting_room_administrators: list[Email] = _emails(
        "Meeting room administrators manage the room.", "ana.lee@metro-health.example"
    )
    meeting_room_members: list[Email] = _emails(
        "Meeting room members can join the room.", "dr.khan@metro-health.example"
    )


class WaitingArea(_Model):
    """A waiting area: one link for every service user; providers call them in one by one.

    Its key must never change: the platform never recreates a waiting area, because a
    new one would have a new link and strand everyone holding the old one.
    """

    # Fields that are not settings of the object itself (people, children, references,
    # vcorg's own directives); every other field is sent to the platform.
    NOT_SETTINGS: ClassVar[frozenset[str]] = frozenset({"roles", "console_owned"})

    name: Name = Field(
        description="Display name, 1–100 characters, unique within the unit. Free to change.",
        examples=["General Medicine Clinic"],
    )
    description: Text = Field(default="", description="Shown to staff.", examples=["Walk-in"])
    type: WaitingAreaType = Field(
        default="regular",
        description=(
            "`regular` (one service user per call), `group-consultation` (several at "
            "once) or `consult-now` (on demand)."
        ),
        examples=["regular"],
    )
    max_queue_length: Annotated[int, Field(ge=1, le=50)] | None = Field(
        default=None,
        description="The most callers who may wait at once, 1–50. Default: no limit.",
        examples=[20],
    )
    access_hours: AccessHours | None = Field(
        default=None,
        description=(
            "Opening hours. Default: Mon–Fri 09:00–17:00 in `defaults.timezone`. "
            "Always filled in after loading."
        ),
    )
    caller_details: list[CallerDetail] = Field(
        default_factory=list,
        description="Extra questions asked of service users before they join.",
        examples=[[{"key": "dob", "label": "Date of birth", "type": "date", "required": True}]],
    )
    information_for_callers: Text = Field(
        default="",
        description="Text shown to service users while they wait.",
        examples=["Please have your medication list ready."],
    )
    suspended: bool = Field(
        default=False,
        description="When true, service users cannot enter and see the suspended message.",
        examples=[False],
    )
    suspended_message_for_callers: Text = Field(
        default="",
        description="Shown to service users while the area is suspended.",
        examples=["This clinic is closed today. Please call 1800 000 000."],
    )
    suspended_message_for_staff: Text = Field(
        default="",
        description="Shown to staff while the area is suspended.",
        examples=["Suspended for the move to Building C."],
    )
    reporting_tags: list[Tag] = _tags()
    roles: WaitingAreaRoles = Field(
        default_factory=WaitingAreaRoles, description="People invited to this waiting area."
    )
    console_owned: list[WaitingAreaSetting] = _console_owned(
        "waiting area", ["suspended", "informationForCallers"]
    )


class MeetingRoom(_Model):
    """A permanent video room where staff meet each other."""

    NOT_SETTINGS: ClassVar[frozenset[str]] = frozenset({"roles", "waiting_area", "console_owned"})

    name: Name = Field(
        description="Display name, 1–100 characters, unique within the unit.",
        examples=["Case Review"],
    )
    description: Text = Field(default="", description="Shown to staff.", examples=[""])
    max_participants: int = Field(
        default=MAX_PARTICIPANTS,
        ge=MIN_PARTICIPANTS,
        le=MAX_PARTICIPANTS,
        description=(
            f"Most people in the room at once, {MIN_PARTICIPANTS}–{MAX_PARTICIPANTS} "
            "(the platform's limit)."
        ),
        examples=[6],
    )
    waiting_area: Key | None = Field(
        default=None,
        description="Key of the waiting area, in the same unit, whose staff own this room.",
        examples=["general-clinic"],
    )
    roles: MeetingRoomRoles = Field(
        default_factory=MeetingRoomRoles, description="People invited to this room."
    )
    console_owned: list[MeetingRoomSetting] = _console_owned("meeting room", ["description"])


class Unit(_Model):
    """An organisational unit, e.g. Cancer Care or Housing."""

    NOT_SETTINGS: ClassVar[frozenset[str]] = frozenset(
        {"roles", "waiting_areas", "meeting_rooms", "console_owned"}
    )

    name: Name = Field(
        description="Display name, 1–100 characters, unique in the organisation.",
        examples=["Internal Medicine"],
    )
    description: Text = Field(
        default="", description="Shown to staff.", examples=["Adult medicine"]
    )
    reporting_tags: list[Tag] = _tags()
    roles: UnitRoles = Field(default_factory=UnitRoles, description="People invited to the unit.")
    waiting_areas: dict[Key, WaitingArea] = Field(
        default_factory=dict,
        description=(
            "Waiting areas by key. Keys are lowercase slugs, unique across the whole "
            "organisation, and must never change; an area keeps its key when it moves unit."
        ),
    )
    meeting_rooms: dict[Key, MeetingRoom] = Field(
        default_factory=dict,
        description="Meeting rooms by key (lowercase slug, unique across the organisation).",
    )
    console_owned: list[UnitSetting] = _console_owned("unit", ["description"])


class IgnoreUnmanaged(_Model):
    """Objects on the platform that no configuration manages and `vcorg drift` should not
    report as drift (console-only units, rooms or grants that are known and wanted)."""

    kind: UnmanagedKind = Field(
        description="What kind of object: `unit`, `waiting-area`, `meeting-room` or `grant`.",
        examples=["meeting-room"],
    )
    name: NamePattern = Field(
        description=(
            "Name pattern, matched against the whole name (a grant's: its email, "
            "case-insensitively): `*` is any text, `?` one character, `[abc]` one of those."
        ),
        examples=["Training *"],
    )
    reason: Text = Field(
        default="",
        description="Why these objects are left to the console; shown in `vcorg drift`.",
        examples=["Sandbox rooms the clinics make for onboarding"],
    )


class Drift(_Model):
    """How `vcorg drift` judges the organisation."""

    ignore_unmanaged: list[IgnoreUnmanaged] = Field(
        default_factory=list,
        description=(
            "Unmanaged objects that are not drift. `vcorg drift` still lists and counts them "
            "(as ignored) but they do not make it exit 2. In a directory config, the lists "
            "of all files are joined."
        ),
        examples=[[{"kind": "unit", "name": "Sandbox*"}]],
    )


class OrgConfig(_Model):
    """A vcorg organisation (one file, or several files merged)."""

    model_config = ConfigDict(
        title="vcorg organisation",
        json_schema_extra={
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://vcorg.dev/schemas/org.schema.json",
        },
    )

    api_version: Literal["vcorg/v1"] = Field(
        description="Version of this file format. Always `vcorg/v1`.", examples=[API_VERSION]
    )
    organisation: Key = Field(
        description=(
            "The platform's key of the existing organisation. Every file of a "
            "directory config gives the same one."
        ),
        examples=["metro-health"],
    )
    defaults: Defaults = Field(
        default_factory=Defaults,
        description=(
            "Organisation-wide defaults. In a directory config, every file that gives "
            "them gives the same ones."
        ),
    )
    units: dict[Key, Unit] = Field(
        default_factory=dict,
        description=(
            "Organisational units by key. Keys are lowercase slugs, unique across all "
            "files, that become resource names and must never change; names may."
        ),
    )
    drift: Drift = Field(
        default_factory=Drift,
        description="How `vcorg drift` judges the organisation: unmanaged objects to ignore.",
    )

    _sources: SourceMap | None = PrivateAttr(default=None)

    def source(self, path: str | tuple[str | int, ...]) -> Position | None:
        """Where a node came from: ``(file, line, column)`` for a dotted path or a tuple.

        Falls back to the nearest enclosing node that exists; None when the
        config was built in code rather than loaded.
        """
        if self._sources is None:
            return None
        return self._sources.locate(path)


def setting_names(model: type[BaseModel]) -> tuple[str, ...]:
    """A kind's settings, camelCase, in declaration order: every field but its NOT_SETTINGS."""
    not_settings: frozenset[str] = getattr(model, "NOT_SETTINGS", frozenset())
    return tuple(
        field.alias or name
        for name, field in model.model_fields.items()
        if name not in not_settings
    )


# The settings each kind may leave to the console (`consoleOwned`): exactly its settings.
# The Literals are built from the models at import time, which a type checker cannot follow:
# to it they are plain strings.
if TYPE_CHECKING:
    UnitSetting = str
    WaitingAreaSetting = str
    MeetingRoomSetting = str
else:
    UnitSetting = Literal[setting_names(Unit)]
    WaitingAreaSetting = Literal[setting_names(WaitingArea)]
    MeetingRoomSetting = Literal[setting_names(MeetingRoom)]


class ConsoleOwned(_Model):
    """Fields the console owns, per kind (see `defaults.consoleOwned`)."""

    units: list[UnitSetting] = Field(
        default_factory=list,
        description="Fields of every unit that the console owns.",
        examples=[["description"]],
    )
    waiting_areas: list[WaitingAreaSetting] = Field(
        default_factory=list,
        description="Fields of every waiting area that the console owns.",
        examples=[["suspended", "suspendedMessageForCallers", "suspendedMessageForStaff"]],
    )
    meeting_rooms: list[MeetingRoomSetting] = Field(
        default_factory=list,
        description="Fields of every meeting room that the console owns.",
        examples=[["description"]],
    )


for _model in (Defaults, WaitingArea, MeetingRoom, Unit, OrgConfig):
    _model.model_rebuild()
