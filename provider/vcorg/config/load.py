"""Load a configuration from files and directories into one validated `OrgConfig`.

The pipeline is fixed: find files -> parse YAML with positions -> check each
file's top level and each unit against the models -> merge units across files
-> semantic rules -> resolve defaults. Every step adds to one list of problems;
nothing stops at the first one. An object that fails the schema is salvaged
(`vcorg.config.salvage`) rather than dropped, so the semantic rules still check
every part of it that is valid, and one run shows every problem.
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from vcorg.config.discover import find_files, os_reason, unreadable_reason
from vcorg.config.models import (
    AccessHours,
    Defaults,
    Key,
    MeetingRoom,
    OrgConfig,
    Unit,
    WaitingArea,
    default_open_blocks,
)
from vcorg.config.positions import SourceMap, format_path
from vcorg.config.problem import ConfigError, Problem, Severity, sorted_problems
from vcorg.config.rules import run_rules
from vcorg.config.salvage import salvage
from vcorg.config.schema_errors import problems_from_validation
from vcorg.config.yamlload import PositionedMap, load_yaml

YAML_SUFFIXES = (".yaml", ".yml")

FILE_IDS = {
    "path-not-found": "Every PATH given exists.",
    "no-config-files": "A directory holds at least one .yaml or .yml file.",
    "unreadable-file": (
        "Every YAML entry of a configuration is a readable file: no dangling or looping "
        "symbolic links, no permission problems."
    ),
    "unreadable-directory": "Every directory of a configuration can be listed.",
    "not-utf8": "Files are UTF-8 text.",
    "empty-file": "A file is not empty.",
    "not-a-mapping": "A file is a map with apiVersion, organisation and units.",
    "api-version-mismatch": "All files of a configuration give the same apiVersion.",
    "organisation-mismatch": "All files of a configuration give the same organisation.",
    "conflicting-defaults": "Files that give `defaults` all give the same ones.",
    "duplicate-unit-key": "Unit keys are unique across all files.",
}

_KEY: TypeAdapter[str] = TypeAdapter(Key)
_INVALID = object()
_CHILDREN: dict[str, tuple[str, type[BaseModel]]] = {
    "waitingAreas": ("waiting_areas", WaitingArea),
    "meetingRooms": ("meeting_rooms", MeetingRoom),
}
_UNITS_TYPE = TypeAdapter(dict[str, Any], config={"strict": True})


@dataclass
class LoadResult:
    """The outcome of `check_config`: the config (when valid) and every problem."""

    config: OrgConfig | None
    problems: list[Problem]
    files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)


def load_config(paths: Sequence[Path | str]) -> OrgConfig:
    """Load and validate; raise `ConfigError` with every problem if anything is wrong."""
    result = check_config(paths)
    if not result.ok or result.config is None:
        raise ConfigError(result.problems)
    return result.config


def check_config(paths: Sequence[Path | str]) -> LoadResult:
    """Load and validate, returning problems instead of raising."""
    # Loading builds hundreds of thousands of acyclic objects; pausing the cyclic
    # garbage collector meanwhile more than halves the time on large organisations.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check(paths)
    finally:
        if collecting:
            gc.enable()


def _check(paths: Sequence[Path | str]) -> LoadResult:
    problems: list[Problem] = []
    files = find_files([Path(p) for p in paths], YAML_SUFFIXES, problems)
    sources = SourceMap()
    merger = _Merger(sources, problems)
    for file in files:
        root = _read(file, problems)
        if root is not None:
            merger.add(str(file), root)
    config = merger.result()
    if config is not None:
        config._sources = sources
        problems.extend(run_rules(config, sources))
    problems = sorted_problems(problems)
    if config is not None and not any(p.severity is Severity.ERROR for p in problems):
        config = resolve_defaults(config)
        config._sources = sources
    else:
        config = None
    return LoadResult(config, problems, [str(f) for f in files])


def resolve_defaults(config: OrgConfig) -> OrgConfig:
    """Fill in access hours (default time zone and block) so later stages need not."""
    timezone = config.defaults.timezone
    units = {}
    for unit_key, unit in config.units.items():
        areas = {key: _resolve_area(area, timezone) for key, area in unit.waiting_areas.items()}
        units[unit_key] = unit.model_copy(update={"waiting_areas": areas})
    return config.model_copy(update={"units": units})


def _resolve_area(area: WaitingArea, timezone: str | None) -> WaitingArea:
    hours = area.access_hours
    if hours is None:
        hours = AccessHours(timezone=timezone, open=default_open_blocks())
    elif hours.timezone is None:
        hours = hours.model_copy(update={"timezone": timezone})
    else:
        return area
    return area.model_copy(update={"access_hours": hours})


def _read(file: Path, problems: list[Problem]) -> PositionedMap | None:
    name = str(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        reason = unreadable_reason(file) or os_reason(exc)
        problems.append(
            Problem("unreadable-file", name, 1, 1, "", f"cannot read this file: {reason}")
        )
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(
            Problem("not-utf8", name, line, column, "", "the file is not valid UTF-8 text")
        )
        return None
    data, found = load_yaml(text, name)
    problems.extend(found)
    if data is None:
        if not found:
            problems.append(
                Problem(
                    "empty-file",
                    name,
                    1,
                    1,
                    "",
                    "the file is empty; it needs at least apiVersion and organisation",
                )
            )
        return None
    if not isinstance(data, PositionedMap):
        problems.append(
            Problem(
                "not-a-mapping",
                name,
                1,
                1,
                "",
                "the file must be a map with apiVersion, organisation and units",
            )
        )
        return None
    return data


class _Merger:
    """Validates files one by one and merges their units into one organisation."""

    def __init__(self, sources: SourceMap, problems: list[Problem]) -> None:
        self.sources = sources
        self.problems = problems
        self.head: OrgConfig | None = None
        self.head_file = ""
        self.defaults_at: tuple[str, int, int] | None = None
        self.defaults: Defaults | None = None
        self.units: dict[str, Unit] = {}
        self.unit_at: dict[str, tuple[str, int, int]] = {}

    def add(self, file: str, root: PositionedMap) -> None:
        index = self.sources.add_file(file, root)
        top = {k: v for k, v in root.items() if k != "units"}
        head = self._validate(OrgConfig, top, (), index, salvaged=True)
        if isinstance(head, OrgConfig):
            self._merge_head(file, root, index, head)
        raw_units = root.get("units")
        if raw_units is None:
            return
        if self._validate(_UNITS_TYPE, raw_units, ("units",), index) is _INVALID:
            return
        for key, raw_unit in raw_units.items():
            self._add_unit(index, key, raw_unit)

    def _merge_head(self, file: str, root: PositionedMap, index: int, head: OrgConfig) -> None:
        if "defaults" in root:
            here = self.sources.locate_in(index, ("defaults",), at_key=True)
            if self.defaults_at is None:
                self.defaults_at = here
                self.defaults = head.defaults
                if self.head is not None:
                    self.head = self.head.model_copy(update={"defaults": head.defaults})
            elif head.defaults != self.defaults:
                # The same defaults in several files let each file stand alone.
                f, line, column = self.defaults_at
                self._problem(
                    "conflicting-defaults",
                    here,
                    "defaults",
                    f"these defaults differ from the ones given in {f}:{line}:{column}; "
                    "give the same defaults in every file that has them, or give them in "
                    "one file only",
                )
        if self.head is None:
            self.head = head
            self.head_file = file
            return
        if head.drift.ignore_unmanaged:
            # Each file may name the unmanaged objects it knows of: the lists are joined.
            rules = [*self.head.drift.ignore_unmanaged, *head.drift.ignore_unmanaged]
            drift = self.head.drift.model_copy(update={"ignore_unmanaged": rules})
            self.head = self.head.model_copy(update={"drift": drift})
        for attr, alias, rule in (
            ("api_version", "apiVersion", "api-version-mismatch"),
            ("organisation", "organisation", "organisation-mismatch"),
        ):
            mine, theirs = getattr(head, attr), getattr(self.head, attr)
            if mine is not None and theirs is not None and mine != theirs:
                self._problem(
                    rule,
                    self.sources.locate_in(index, (alias,)),
                    alias,
                    f"{mine!r} differs from {theirs!r} in {self.head_file}; every file of "
                    "one configuration must give the same value",
                )

    def _add_unit(self, index: int, key: str, raw_unit: Any) -> None:
        # A bad key is reported, and the unit is still checked under the key as written.
        self._validate(_KEY, key, ("units", key, "[key]"), index)
        here = self.sources.locate_in(index, ("units", key), at_key=True)
        duplicate = key in self.unit_at
        if duplicate:
            f, line, column = self.unit_at[key]
            self._problem(
                "duplicate-unit-key",
                here,
                format_path(("units", key)),
                f"unit key {key!r} is also defined in {f}:{line}:{column}; "
                "unit keys must be unique across all files",
            )
        else:
            self.unit_at[key] = here
            self.sources.claim_unit(key, index)
        prefix = ("units", key)
        if not isinstance(raw_unit, dict):
            self._validate(Unit, raw_unit, prefix, index)
            return
        # Areas and rooms are checked one by one, and whatever fails the schema is
        # salvaged, so that one broken part hides no semantic problem of the rest.
        head = {k: v for k, v in raw_unit.items() if k not in _CHILDREN}
        unit = self._validate(Unit, head, prefix, index, salvaged=True)
        children = {
            attr: self._children(index, (*prefix, alias), raw_unit.get(alias), model)
            for alias, (attr, model) in _CHILDREN.items()
        }
        # A duplicate is still checked against the schema, but only the first one counts.
        if isinstance(unit, Unit) and not duplicate:
            self.units[key] = unit.model_copy(update=children)

    def _children(
        self, index: int, prefix: tuple[str, ...], raw: Any, model: type[BaseModel]
    ) -> dict[str, Any] | None:
        if raw is None:
            return {}
        if not isinstance(raw, dict):
            # A type built at run time from the model class, which mypy cannot follow.
            self._validate(TypeAdapter(dict[Key, model]), raw, prefix, index)  # type: ignore[valid-type]
            return None  # a hole: rules that need this map stay quiet
        valid = {}
        for key, value in raw.items():
            self._validate(_KEY, key, (*prefix, key, "[key]"), index)
            child = self._validate(model, value, (*prefix, key), index, salvaged=True)
            if child is not _INVALID:
                valid[key] = child
        return valid

    def _validate(
        self,
        model: type[BaseModel] | TypeAdapter[Any],
        data: Any,
        prefix: tuple[str, ...],
        index: int,
        *,
        salvaged: bool = False,
    ) -> Any:
        """The validated value; on failure the problems are recorded and, with
        ``salvaged``, what is valid of a model is returned (see `vcorg.config.salvage`),
        else ``_INVALID``."""
        try:
            if isinstance(model, TypeAdapter):
                return model.validate_python(data)
            return model.model_validate(data)
        except ValidationError as exc:
            self.problems.extend(
                problems_from_validation(
                    exc,
                    model=None if isinstance(model, TypeAdapter) else model,
                    prefix=prefix,
                    sources=self.sources,
                    file_index=index,
                )
            )
            if salvaged and isinstance(model, type):
                kept = salvage(model, data)
                if kept is not None:
                    return kept
            return _INVALID

    def _problem(self, rule: str, where: tuple[str, int, int], path: str, message: str) -> None:
        file, line, column = where
        self.problems.append(Problem(rule, file, line, column, path, message))

    def result(self) -> OrgConfig | None:
        if self.head is None:
            return None
        return self.head.model_copy(update={"units": self.units})
