"""Organisation config: YAML with positions, typed models, schema and semantic validation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Where each name lives. Imported on first use: the dynamic-provider process needs the
# models (its check() validates with them) but not the YAML loader, the JSON Schema or the
# rules, which would add about half a second to every provider start.
_HOMES = {
    "LoadResult": "load",
    "check_config": "load",
    "load_config": "load",
    "Position": "positions",
    "SourceMap": "positions",
    "ConfigError": "problem",
    "Problem": "problem",
    "Severity": "problem",
}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'vcorg.config' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(f"vcorg.config.{_HOMES.get(name, 'models')}")
    return getattr(module, name)


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
