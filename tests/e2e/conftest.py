"""Harness for end-to-end tests: the real Pulumi engine against a real `vcplatform serve`.

`OrgStack` pairs one platform on loopback (fresh SQLite database) with one Pulumi stack
on a fresh file backend, and runs `vcorg.Organisation` as an inline program through the
Automation API. Every line the engine prints is kept, so tests can grep it (the token
must never appear). `assert_converged` compares `vcplatform dump` with a config: the
platform, not Pulumi's outputs, is the judge.
"""

from __future__ import annotations

import copy
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi import automation as auto
from pydantic import BaseModel

from tests.support.platform import PlatformServer
from vcorg.config.models import OrgConfig
from vcorg.engine.stack import StackTarget, open_stack
from vcorg.resources import MEETING_ROOM_PROVIDER, UNIT_PROVIDER, WAITING_AREA_PROVIDER
from vcorg.resources.base import ObjectProvider
from vcorg.vocabulary import ROLES_BY_SCOPE, roles_field

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HOSPITAL = EXAMPLES / "hospital"
HOSPITAL_ORG = "metro-health"
STACK = "e2e"

# Grant states that hold a seat; revoked grants are history.
LIVE_STATES = frozenset({"active", "pending", "expired"})


def load_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


class OrgStack:
    """One platform and one stack; configs are written as YAML files under `workdir`."""

    def __init__(
        self, platform: PlatformServer, workdir: Path, *, token_in_env: bool = True
    ) -> None:
        self.platform = platform
        self.workdir = workdir
        self.backend_dir = workdir / "state"
        self.backend_dir.mkdir(parents=True, exist_ok=True)
        self.output: list[str] = []
        self._serial = itertools.count()
        self.config_path: Path | None = None
        self.stack = open_stack(
            StackTarget(
                STACK,
                backend_url=self.backend_dir.as_uri(),
                api_url=platform.url,
                program=self._program,
                extra_env={"VCORG_TOKEN": platform.token} if token_in_env else {},
            )
        )

    # --- configs --------------------------------------------------------------------

    def write_config(self, data: dict[str, Any]) -> Path:
        """Write a config document to a fresh directory and make it the current one."""
        directory = self.workdir / f"config-{next(self._serial)}"
        directory.mkdir()
        (directory / "org.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
        self.config_path = directory
        return directory

    def use(self, config: Path | dict[str, Any]) -> Path:
        if isinstance(config, dict):
            return self.write_config(config)
        self.config_path = config
        return config

    def _program(self) -> None:
        import vcorg

        assert self.config_path is not None, "no config chosen for this stack"
        vcorg.Organisation("org", config_path=self.config_path)

    # --- engine operations ----------------------------------------------------------

    def up(self, config: Path | dict[str, Any] | None = None) -> auto.UpResult:
        if config is not None:
            self.use(config)
        return self.stack.up(on_output=self.output.append, color="never")

    def preview(self, config: Path | dict[str, Any] | None = None) -> auto.PreviewResult:
        if config is not None:
            self.use(config)
        return self.stack.preview(on_output=self.output.append, color="never", diff=True)

    def refresh(self) -> auto.RefreshResult:
        return self.stack.refresh(on_output=self.output.append, color="never")

    def destroy(self) -> auto.DestroyResult:
        return self.stack.destroy(on_output=self.output.append, color="never")

    def resources(self) -> list[dict[str, Any]]:
        return self.stack.export_stack().deployment.get("resources", [])

    def outputs_of(self, name: str, type_suffix: str) -> dict[str, Any]:
        """The outputs in state of the resource named `name` of type `...:<type_suffix>`."""
        found = [
            r
            for r in self.resources()
            if r["urn"].endswith(f"::{name}") and r["type"].endswith(f":{type_suffix}")
        ]
        assert len(found) == 1, f"expected one {type_suffix} {name!r} in state, got {found}"
        return found[0].get("outputs", {})

    def all_output(self) -> str:
        return "\n".join(self.output)


def op_counts(summary: dict[str, int] | None) -> dict[str, int]:
    """A change summary without the `same` count, for 'exactly these changes' checks."""
    return {op: n for op, n in (summary or {}).items() if op != "same" and n}


# --- what the platform should hold ---------------------------------------------------


def _live_grants(node: dict[str, Any]) -> Counter[tuple[str, str]]:
    return Counter((g["role"], g["email"]) for g in node["grants"] if g["state"] in LIVE_STATES)


def _expected_grants(roles: Any, scope_type: str) -> dict[str, set[str]]:
    """Managed roles only: a role key left out of the YAML is not vcorg's to judge."""
    given = roles.model_fields_set
    out = {}
    for role in ROLES_BY_SCOPE[scope_type]:
        attribute = roles_field(role)
        if attribute in given:
            out[role] = {e.lower() for e in getattr(roles, attribute)}
    return out


def _check_grants(where: str, node: dict[str, Any], roles: Any, scope_type: str) -> None:
    live = _live_grants(node)
    dupes = [k for k, n in live.items() if n > 1]
    assert not dupes, f"{where}: duplicate grants {dupes}"
    for role, emails in _expected_grants(roles, scope_type).items():
        got = {email for r, email in live if r == role}
        assert got == emails, f"{where}: {role} holds {sorted(got)}, config says {sorted(emails)}"


def _check_settings(
    where: str, node: dict[str, Any], obj: BaseModel, provider: ObjectProvider
) -> None:
    """Every setting the config model declares, as the platform holds it (unset: null)."""
    wanted = obj.model_dump(mode="json", by_alias=True, exclude=set(provider.not_settings))
    assert {k: node.get(k) for k in wanted} == wanted, where


def _unique_by_name(where: str, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    names = Counter(i["name"] for i in items)
    dupes = [n for n, c in names.items() if c > 1]
    assert not dupes, f"{where}: duplicates {dupes}"
    return {i["name"]: i for i in items}


def assert_converged(dump: dict[str, Any], config: OrgConfig) -> None:
    """The platform holds exactly the config's objects, settings and managed grants."""
    units = _unique_by_name("units", dump["units"])
    assert set(units) == {u.name for u in config.units.values()}, "unit names differ"
    area_ids: dict[str, str] = {}
    for unit_key, unit in config.units.items():
        got = units[unit.name]
        where = f"unit {unit_key}"
        _check_settings(where, got, unit, UNIT_PROVIDER)
        _check_grants(where, got, unit.roles, "unit")
        areas = _unique_by_name(f"{where} waiting areas", got["waitingAreas"])
        assert set(areas) == {a.name for a in unit.waiting_areas.values()}, where
        for area_key, area in unit.waiting_areas.items():
            node = areas[area.name]
            where_a = f"waiting area {area_key}"
            area_ids[area_key] = node["id"]
            _check_settings(where_a, node, area, WAITING_AREA_PROVIDER)
            assert "/wait/" in node["link"], where_a
            _check_grants(where_a, node, area.roles, "waiting-area")
        rooms = _unique_by_name(f"{where} meeting rooms", got["meetingRooms"])
        assert set(rooms) == {r.name for r in unit.meeting_rooms.values()}, where
        for room_key, room in unit.meeting_rooms.items():
            node = rooms[room.name]
            where_r = f"meeting room {room_key}"
            _check_settings(where_r, node, room, MEETING_ROOM_PROVIDER)
            _check_grants(where_r, node, room.roles, "meeting-room")
            if room.waiting_area is None:
                assert node["waitingAreaId"] is None, where_r
            else:
                assert node["waitingAreaId"] == area_ids.get(room.waiting_area), where_r


def find_unit(dump: dict[str, Any], name: str) -> dict[str, Any]:
    matches = [u for u in dump["units"] if u["name"] == name]
    assert len(matches) == 1, f"expected one unit named {name!r}, got {len(matches)}"
    return matches[0]


def find_area(dump: dict[str, Any], name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(unit, waiting area) for the only waiting area called `name`."""
    matches = [(u, a) for u in dump["units"] for a in u["waitingAreas"] if a["name"] == name]
    assert len(matches) == 1, f"expected one waiting area named {name!r}, got {len(matches)}"
    return matches[0]


def object_count(dump: dict[str, Any]) -> int:
    return sum(1 + len(u["waitingAreas"]) + len(u["meetingRooms"]) for u in dump["units"])


# --- fixtures -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def hospital_yaml() -> dict[str, Any]:
    return load_yaml(HOSPITAL / "org.yaml")


@pytest.fixture
def edit(hospital_yaml: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """A fresh deep copy of the hospital config document to edit."""
    return lambda: copy.deepcopy(hospital_yaml)


def start_platform(directory: Path, *serve_args: str) -> PlatformServer:
    return PlatformServer(directory, org=HOSPITAL_ORG, serve_args=serve_args).start()


@pytest.fixture(scope="module")
def hospital_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OrgStack]:
    """A platform with the hospital example applied, shared by one test module."""
    work = tmp_path_factory.mktemp("hospital")
    platform = start_platform(work / "platform")
    try:
        org = OrgStack(platform, work)
        org.up(HOSPITAL)
        yield org
    finally:
        platform.stop()


def small_org() -> dict[str, Any]:
    """Two units, one waiting area with a staff room, a handful of people."""
    return {
        "apiVersion": "vcorg/v1",
        "organisation": HOSPITAL_ORG,
        "defaults": {"timezone": "Australia/Sydney"},
        "units": {
            "cardiology": {
                "name": "Cardiology",
                "roles": {"organisationAdministrators": ["head.cardio@metro-health.example"]},
                "waitingAreas": {
                    "heart-clinic": {
                        "name": "Heart Clinic",
                        "roles": {"serviceProviders": ["dr.heart@metro-health.example"]},
                    }
                },
                "meetingRooms": {
                    "heart-huddle": {
                        "name": "Heart Huddle",
                        "maxParticipants": 4,
                        "waitingArea": "heart-clinic",
                        "roles": {"meetingRoomMembers": ["dr.heart@metro-health.example"]},
                    }
                },
            },
            "cardiac-surgery": {
                "name": "Cardiac Surgery",
                "roles": {"organisationAdministrators": ["head.surgery@metro-health.example"]},
            },
        },
    }


@pytest.fixture
def fresh_stack(tmp_path: Path) -> Iterator[OrgStack]:
    """A platform and an empty stack of its own, for tests that change the platform's shape."""
    platform = start_platform(tmp_path / "platform")
    try:
        yield OrgStack(platform, tmp_path)
    finally:
        platform.stop()
