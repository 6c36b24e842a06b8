"""`make demo` (scripts/demo) runs to completion and leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.cli.conftest import REPO

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _demo_servers() -> list[str]:
    """Command lines of running `vcplatform serve` processes started by a demo."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "vcplatform serve" in text and "vcorg-demo." in text:
            found.append(text)
    return found


def _run_demo(script: str, tmp_path: Path) -> tuple[str, str]:
    """Run a demo script as a user would (no vcorg settings in the environment, outputs
    under tmp_path/out); its stdout and a report for failed assertions. It must succeed
    without a traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VCORG_", "PULUMI_BACKEND"))}
    env["VCORG_DEMO_OUT"] = str(tmp_path / "out")
    env["TMPDIR"] = str(tmp_path)
    started = time.monotonic()
    proc = subprocess.run(
        [str(REPO / "scripts" / script)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )
    elapsed = time.monotonic() - started
    report = f"exit {proc.returncode} after {elapsed:.0f} s\n{proc.stdout}\n{proc.stderr}"
    assert proc.returncode == 0, report
    assert "Traceback" not in proc.stdout + proc.stderr, report
    return proc.stdout, report


def _assert_in_order(text: str, markers: tuple[str, ...], report: str) -> None:
    for marker in markers:
        assert marker in text, f"missing {marker!r}\n{report}"
        text = text[text.index(marker) :]


def test_demo_runs_to_completion(tmp_path: Path) -> None:
    out = tmp_path / "out"
    text, report = _run_demo("demo", tmp_path)
    # The story, in order: first apply, invitations, the reviewed change set, no changes.
    _assert_in_order(
        text,
        (
            "Start the reference platform",
            "Applied ",
            "invitations accepted",
            '~ name: "Dentistry" → "Oral Health"',
            "Shift Handover",
            "Applying the plan saved in",
            "No changes. The platform matches the configuration.",
            "Review who has access",
            "single-administrator:",
        ),
        report,
    )

    markdown = (out / "demo-plan.md").read_text()
    assert "Oral Health" in markdown
    assert len(markdown) < 65_000
    assert (out / "demo-plan.json").is_file()
    access = (out / "demo-access.md").read_text()
    assert access.startswith("## vcorg access review: metro-health")
    assert "- **As of:** " in access and "- **Platform:** http://127.0.0.1:" in access
    assert "### Cancer Care (cancer-care)" in access

    # Cleaned up: no server left running, temporary directory removed.
    assert _demo_servers() == []
    assert not list(tmp_path.glob("vcorg-demo.*"))


def test_onboarding_demo_runs_to_completion(tmp_path: Path) -> None:
    """`make demo-onboarding`: a hand-built organisation exported, adopted writing nothing
    but the re-sent invitation (the script checks the platform's audit log and fails
    otherwise), then changed through a reviewed plan."""
    out = tmp_path / "out"
    text, report = _run_demo("demo-onboarding", tmp_path)
    _assert_in_order(
        text,
        (
            "builds the organisation by hand",
            "Export it as configuration",
            "= adopt waiting area",
            "Adopt it",
            "audit log since the export: grant.resend.",
            "The first change, through a pull request",
            "Done",
        ),
        report,
    )

    exported = out / "onboarding-export"
    assert (exported / "org.yaml").is_file() and list((exported / "units").glob("*.yaml"))
    assert (out / "onboarding-adopt.json").is_file()
    assert (out / "onboarding-plan.md").read_text().strip()
    assert not list(tmp_path.glob("vcorg-onboarding.*"))
