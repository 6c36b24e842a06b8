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
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi import automation as auto

from tests.support.converged import (  # noqa: F401 - re-exported for the e2e tests
    LIVE_STATES,
    assert_converged,
)
from tests.support.platform import PlatformServer
from vcorg.engine.stack import StackTarget, open_stack

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
HOSPITAL = EXAMPLES / "hospital"
HOSPITAL_ORG = "metro-health"
STACK = "e2e"


def load_yaml(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


class OrgStack:
    """One platform and one stack; configs are written as YAML files under `workdir`."""

    def __init__(
        self,
        platform: PlatformServer,
        workdir: Path,
        *,
        token_in_env: bool = True,
        env: Mapping[str, str] | None = None,
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
                extra_env={
                    **({"VCORG_TOKEN": platform.token} if token_in_env else {}),
                    **(env or {}),
                },
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
