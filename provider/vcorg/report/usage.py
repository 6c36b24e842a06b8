"""The usage report: the platform's usage reports for the units in the configuration.

`build_usage_report` asks the platform with the token it is given, so a reporter's
token gets its own units only; the units it may not read are listed in the report
(`UsageReport.hidden`) rather than failing the whole run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from .platform import NOT_VISIBLE, ConfigUnit, report_scope

if TYPE_CHECKING:
    from vcorg.client import JSONObject, PlatformClient
    from vcorg.config import OrgConfig

By = Literal["unit", "tag"]
UNTAGGED = "(untagged)"


class NoVisibleUnits(Exception):
    """The token may read none of the configuration's units' reports."""

    def __init__(self, hidden: tuple[ConfigUnit, ...]) -> None:
        super().__init__("no unit of the configuration is visible to this token")
        self.hidden = hidden


@dataclass(frozen=True)
class Usage:
    calls: int
    total_minutes: float
    median_minutes: float | None
    median_wait_minutes: float | None
    p90_wait_minutes: float | None
    busiest_hour: int | None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Usage:
        return cls(
            calls=int(data.get("calls") or 0),
            total_minutes=float(data.get("totalMinutes") or 0.0),
            median_minutes=_number(data.get("medianMinutes")),
            median_wait_minutes=_number(data.get("medianWaitMinutes")),
            p90_wait_minutes=_number(data.get("p90WaitMinutes")),
            busiest_hour=None if data.get("busiestHour") is None else int(data["busiestHour"]),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "totalMinutes": self.total_minutes,
            "medianMinutes": self.median_minutes,
            "medianWaitMinutes": self.median_wait_minutes,
            "p90WaitMinutes": self.p90_wait_minutes,
            "busiestHour": self.busiest_hour,
        }


def _number(value: float | str | None) -> float | None:
    """A JSON number (or one sent as text), else None."""
    return None if value is None else float(value)


@dataclass(frozen=True)
class ScopeUsage:
    scope_type: str  # waiting-area | meeting-room
    id: str
    name: str
    key: str | None
    usage: Usage


@dataclass(frozen=True)
class UnitUsage:
    key: str
    name: str
    id: str
    usage: Usage
    scopes: tuple[ScopeUsage, ...]


@dataclass(frozen=True)
class TagUsage:
    tag: str | None  # None: calls with no tag
    usage: Usage

    @property
    def label(self) -> str:
        return self.tag if self.tag is not None else UNTAGGED


@dataclass(frozen=True)
class UsageReport:
    organisation: str
    api_url: str
    as_of: datetime
    token_email: str
    by: By
    date_from: str
    date_to: str
    timezone: str
    total: Usage
    units: tuple[UnitUsage, ...] = ()
    tags: tuple[TagUsage, ...] = ()
    hidden: tuple[ConfigUnit, ...] = ()

    def to_text(self, *, width: int = 100) -> str:
        from .usage_render import render_text

        return render_text(self, width=width)

    def to_markdown(self) -> str:
        from .usage_render import render_markdown

        return render_markdown(self)

    def to_csv(self) -> str:
        from .usage_render import render_csv

        return render_csv(self)

    def to_dict(self) -> dict[str, Any]:
        from .usage_render import report_to_dict

        return report_to_dict(self)

    def to_json(self) -> str:
        from .usage_render import render_json

        return render_json(self)


def build_usage_report(
    client: PlatformClient,
    config: OrgConfig,
    *,
    api_url: str,
    token_email: str,
    system_administrator: bool,
    by: By = "unit",
    date_from: str | None = None,
    date_to: str | None = None,
    now: datetime | None = None,
) -> UsageReport:
    """Read the reports of the configuration's units that this token may read.

    Requests: one list of units, then one report per unit (``by="unit"``) plus one
    organisation report over the same units for the totals (and the tags).
    """
    from vcorg.client import Forbidden

    org = config.organisation
    timezone = config.defaults.timezone or "UTC"
    scope = report_scope(config, client.list_units(org), system_administrator=system_administrator)
    hidden = list(scope.hidden)
    readable: list[tuple[str, JSONObject]] = []
    unit_reports: dict[str, JSONObject] = {}
    for key, unit in scope.config_units:
        if by == "unit":
            try:
                unit_reports[key] = client.unit_report(
                    org,
                    str(unit["id"]),
                    date_from=date_from,
                    date_to=date_to,
                    timezone=timezone,
                    subject=f"unit '{unit['name']}'",
                )
            except Forbidden:
                hidden.append(ConfigUnit(key, str(unit["name"]), NOT_VISIBLE))
                continue
        readable.append((key, unit))
    order = list(config.units)
    hidden.sort(key=lambda unit: order.index(unit.key))
    if not readable:
        raise NoVisibleUnits(tuple(hidden))
    # Name the units only when they are not all the token can read: a configuration of
    # thousands of units would not fit in a URL, and needs no filter.
    shown = [str(unit["id"]) for _, unit in readable]
    everything = {str(unit["id"]) for _, unit in scope.units}
    whole = client.organisation_report(
        org,
        date_from=date_from,
        date_to=date_to,
        timezone=timezone,
        unit_ids=shown if set(shown) != everything else (),
    )
    units = tuple(
        _unit_usage(config, key, unit_reports[key]) for key, _ in readable if key in unit_reports
    )
    tags = tuple(
        TagUsage(t.get("tag"), Usage.from_api(t.get("usage") or {})) for t in whole.get("tags", [])
    )
    return UsageReport(
        organisation=org,
        api_url=api_url,
        as_of=now or datetime.now(UTC),
        token_email=token_email,
        by=by,
        date_from=str(whole.get("from")),
        date_to=str(whole.get("to")),
        timezone=str(whole.get("timezone") or timezone),
        total=Usage.from_api(whole.get("usage") or {}),
        units=units,
        tags=tags if by == "tag" else (),
        hidden=tuple(hidden),
    )


def _unit_usage(config: OrgConfig, key: str, report: JSONObject) -> UnitUsage:
    cfg = config.units[key]
    area_keys = {a.name: k for k, a in cfg.waiting_areas.items()}
    room_keys = {r.name: k for k, r in cfg.meeting_rooms.items()}
    scopes = [
        ScopeUsage(
            scope_type,
            str(row.get("id")),
            str(row.get("name")),
            keys.get(str(row.get("name"))),
            Usage.from_api(row.get("usage") or {}),
        )
        for scope_type, field, keys in (
            ("waiting-area", "waitingAreas", area_keys),
            ("meeting-room", "meetingRooms", room_keys),
        )
        for row in report.get(field, [])
    ]
    return UnitUsage(
        key=key,
        name=str(report.get("name") or cfg.name),
        id=str(report.get("unitId")),
        usage=Usage.from_api(report.get("usage") or {}),
        scopes=tuple(scopes),
    )
