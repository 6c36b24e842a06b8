"""Organisation config: YAML with positions, typed models, schema and semantic validation."""

from __future__ import annotations

from vcorg.config.load import LoadResult, check_config, load_config
from vcorg.config.models import (
    API_VERSION,
    AccessHours,
    CallerDetail,
    ConsoleOwned,
    Defaults,
    Drift,
    IgnoreUnmanaged,
    MeetingRoom,
    MeetingRoomRoles,
    OpenBlock,
    OrgConfig,
    Unit,
    UnitRoles,
    WaitingArea,
    WaitingAreaRoles,
)
from vcorg.config.positions import Position, SourceMap
from vcorg.config.problem import ConfigError, Problem, Severity

__all__ = [
    "API_VERSION",
    "AccessHours",
    "CallerDetail",
    "ConfigError",
    "ConsoleOwned",
    "Defaults",
    "Drift",
    "IgnoreUnmanaged",
    "LoadResult",
    "MeetingRoom",
    "MeetingRoomRoles",
    "OpenBlock",
    "OrgConfig",
    "Position",
    "Problem",
    "Severity",
    "SourceMap",
    "Unit",
    "UnitRoles",
    "WaitingArea",
    "WaitingAreaRoles",
    "check_config",
    "load_config",
]
