"""Fixtures for the `vcorg plan/apply/destroy` tests: a real platform and the real CLI.

Every test gets its own `vcplatform serve` (SQLite in tmp_path, loopback, free port) with
the organisation `metro-health`, and runs `vcorg` as a subprocess, exactly as an admin or
CI would, with a file backend in tmp_path so nothing is written next to the examples.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.platform import PlatformServer

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
ORG = "metro-health"
ADMIN = "ops@metro-health.example"


@dataclass
class Run:
    """One finished `vcorg` invocation."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return (
            f"vcorg {' '.join(self.args)} -> {self.returncode}\n"
            f"--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )


class Vcorg:
    """Runs the `vcorg` CLI against one platform and one state backend."""

    def __init__(self, platform: PlatformServer, workdir: Path) -> None:
        self.platform = platform
        self.workdir = workdir
        self.backend = (workdir / "state").as_uri()
        (workdir / "state").mkdir(parents=True, exist_ok=True)

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        for key in ("VCORG_API_URL", "VCORG_TOKEN", "PULUMI_BACKEND_URL", "VCORG_DEBUG"):
            env.pop(key, None)
        env.update(
            VCORG_API_URL=self.platform.url,
            VCORG_TOKEN=self.platform.token,
            PULUMI_BACKEND_URL=self.backend,
            PYTHONPATH=os.pathsep.join(
                p for p in (str(REPO / "provider"), env.get("PYTHONPATH")) if p
            ),
        )
        env.update(extra or {})
        return {k: v for k, v in env.items() if v is not None}

    def __call__(self, *args: str | Path, env: Mapping[str, str] | None = None) -> Run:
        argv = tuple(str(a) for a in args)
        proc = subprocess.run(
            [sys.executable, "-m", "vcorg", *argv],
            cwd=self.workdir,
            env=self.env(env),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=600,
        )
        run = Run(argv, proc.returncode, proc.stdout, proc.stderr)
        # No command ever shows a traceback, whatever happened.
        assert "Traceback" not in run.stderr + run.stdout, str(run)
        return run


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[PlatformServer]:
    with PlatformServer(
        tmp_path / "platform", org=ORG, org_name="Metro Health", admin_email=ADMIN
    ) as server:
        yield server


@pytest.fixture
def vcorg(platform: PlatformServer, tmp_path: Path) -> Vcorg:
    return Vcorg(platform, tmp_path / "work")


@pytest.fixture
def hospital(tmp_path: Path) -> Path:
    """A private copy of examples/hospital (the demo's starting point)."""
    return _copy_example("hospital", tmp_path)


@pytest.fixture
def hospital_v2(tmp_path: Path) -> Path:
    """A private copy of examples/hospital-v2 (the demo's change set)."""
    return _copy_example("hospital-v2", tmp_path)


def _copy_example(name: str, tmp_path: Path) -> Path:
    target = tmp_path / "configs" / name
    shutil.copytree(EXAMPLES / name, target, ignore=shutil.ignore_patterns(".vcorg"))
    return target


def write_config(path: Path, units: Mapping[str, Any], **top: Any) -> Path:
    """Write a one-file organisation config; returns the file."""
    doc: dict[str, Any] = {"apiVersion": "vcorg/v1", "organisation": ORG}
    doc["defaults"] = top.pop("defaults", {"timezone": "Europe/London"})
    doc.update(top)
    doc["units"] = dict(units)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def unit(name: str, admins: list[str], **extra: Any) -> dict[str, Any]:
    return {"name": name, "roles": {"organisationAdministrators": admins}, **extra}


def areas(names: Mapping[str, str]) -> dict[str, Any]:
    return {key: {"name": name} for key, name in names.items()}


def grants_of(dump: Mapping[str, Any], unit_name: str, role: str) -> dict[str, str]:
    """email → state of a unit-scope role in a `vcplatform dump`."""
    for u in dump["units"]:
        if u["name"] == unit_name:
            return {g["email"]: g["state"] for g in u["grants"] if g["role"] == role}
    raise AssertionError(f"no unit named {unit_name!r} on the platform")
