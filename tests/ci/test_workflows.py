"""The example workflows' shell steps, run as GitHub Actions would, against a fake `gh`.

Each step's `run` script is taken from the YAML, its `${{ … }}` expressions filled in
from a test context (an expression the test does not know fails the test), and run with
`bash -eo pipefail` as Actions does, with `gh` and `vcorg` on PATH replaced by fakes:
`gh` keeps a small GitHub in a file and records every call (tests/ci/fake_gh.py); `vcorg`
prints a canned report and exits with a chosen code.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / "examples" / "ci"
FAKE_GH = Path(__file__).with_name("fake_gh.py")
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")
PLAN_MARKER = "<!-- vcorg:plan org/ -->"
DRIFT_MARKER = "<!-- vcorg:drift org/ -->"

FAKE_VCORG = """#!/usr/bin/env bash
# Prints $FAKE_VCORG_REPORT (to --out FILE if given) and exits with $FAKE_VCORG_RC.
printf '%s\\n' "$*" >> "$FAKE_VCORG_LOG"
out=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--out" ]; then out="$2"; shift; fi
  shift
done
if [ -n "$out" ]; then exec > "$out"; fi
printf '%s' "$FAKE_VCORG_REPORT"
exit "${FAKE_VCORG_RC:-0}"
"""


def _steps(workflow: str, job: str) -> dict[str, dict[str, Any]]:
    doc = yaml.safe_load((WORKFLOWS / workflow).read_text())
    return {s["name"]: s for s in doc["jobs"][job]["steps"] if "name" in s and "run" in s}


class Actions:
    """Runs workflow steps in one workspace, with one fake GitHub between them."""

    def __init__(self, tmp_path: Path, context: dict[str, str]) -> None:
        self.workspace = tmp_path / "workspace"
        self.workspace.mkdir()
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        self.state = tmp_path / "github.json"
        self.gh_log = tmp_path / "gh.log"
        self.vcorg_log = tmp_path / "vcorg.log"
        self.context = dict(context)
        gh = self.bin / "gh"
        gh.write_text(f'#!/usr/bin/env bash\nexec "{sys.executable}" "{FAKE_GH}" "$@"\n')
        vcorg = self.bin / "vcorg"
        vcorg.write_text(FAKE_VCORG)
        for tool in (gh, vcorg):
            tool.chmod(0o755)

    def github(self, **state: Any) -> None:
        self.state.write_text(json.dumps({"issues": [], "labels": [], "next": 1, **state}))

    def seen(self) -> dict[str, Any]:
        return json.loads(self.state.read_text())

    def gh_calls(self) -> list[list[str]]:
        if not self.gh_log.exists():
            return []
        return [json.loads(line) for line in self.gh_log.read_text().splitlines()]

    def _fill(self, text: str) -> str:
        def value(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression not in self.context:
                raise AssertionError(f"the test does not know ${{{{ {expression} }}}}")
            return self.context[expression]

        return EXPRESSION.sub(value, text)

    def run(
        self, step: dict[str, Any], *, report: str = "", rc: int = 0
    ) -> tuple[int, dict[str, str], str]:
        """Run one step; returns its exit code, its outputs and its stderr."""
        output = self.workspace / "github_output"
        output.write_text("")
        script = self.workspace / "step.sh"
        script.write_text(self._fill(step["run"]))
        env = {
            "PATH": f"{self.bin}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(self.workspace),
            "GITHUB_OUTPUT": str(output),
            "FAKE_GH_STATE": str(self.state),
            "FAKE_GH_LOG": str(self.gh_log),
            "FAKE_VCORG_LOG": str(self.vcorg_log),
            "FAKE_VCORG_REPORT": report,
            "FAKE_VCORG_RC": str(rc),
        }
        env.update({k: self._fill(str(v)) for k, v in (step.get("env") or {}).items()})
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        outputs = dict(
            line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
        )
        return done.returncode, outputs, done.stderr


# -- the pull-request workflow ----------------------------------------------------------

PR_CONTEXT = {
    "github.token": "ghs_test",
    "github.repository": "metro/org-config",
    "github.event.pull_request.number": "7",
}


@pytest.fixture
def pr(tmp_path: Path) -> tuple[Actions, dict[str, dict[str, Any]]]:
    return Actions(tmp_path, PR_CONTEXT), _steps("vcorg-pull-request.yml", "plan")


def _comment(id_: int, body: str, user: str = "someone") -> dict[str, Any]:
    return {"id": id_, "body": body, "user": user}


def test_the_plan_comment_is_found_by_its_marker_not_by_being_last(pr) -> None:
    actions, steps = pr
    old = _comment(1002, f"{PLAN_MARKER}\n## vcorg plan\n\nold plan", "github-actions[bot]")
    comments = [
        _comment(1000, "LGTM once the plan is green"),
        _comment(1001, "Who asked for the new room?"),
        old,
        _comment(1003, "Please also add the locum."),  # the last comment is a person's
    ]
    actions.github(
        issues=[
            {
                "number": 7,
                "title": "PR",
                "body": "",
                "labels": [],
                "state": "open",
                "comments": comments,
            }
        ]
    )
    rc, outputs, err = actions.run(steps["Plan"], report="## vcorg plan\n\nnew plan\n", rc=2)
    assert rc == 0, err
    assert outputs == {"changes": "true"}
    rc, _, err = actions.run(steps["Comment the plan on the pull request"])
    assert rc == 0, err

    after = actions.seen()["issues"][0]["comments"]
    assert [c["id"] for c in after] == [1000, 1001, 1002, 1003]
    assert after[2]["body"] == f"{PLAN_MARKER}\n## vcorg plan\n\nnew plan\n"
    assert [c["body"] for c in after if c["id"] != 1002] == [
        c["body"] for c in comments if c["id"] != 1002
    ]
    assert ["pr", "comment"] not in [call[:2] for call in actions.gh_calls()]
    assert any(call[:3] == ["api", "--method", "PATCH"] for call in actions.gh_calls())


def test_the_first_plan_makes_the_comment_and_later_ones_update_it(pr) -> None:
    actions, steps = pr
    actions.github(
        issues=[
            {
                "number": 7,
                "title": "PR",
                "body": "",
                "labels": [],
                "state": "open",
                "comments": [_comment(1000, "first!")],
            }
        ]
    )
    for n, text in enumerate(
        ["plan one\n", "No changes. The platform matches the configuration.\n"]
    ):
        rc, outputs, err = actions.run(steps["Plan"], report=text, rc=2 if n == 0 else 0)
        assert rc == 0, err
        assert outputs == {"changes": "true" if n == 0 else "false"}
        rc, _, err = actions.run(steps["Comment the plan on the pull request"])
        assert rc == 0, err
        comments = actions.seen()["issues"][0]["comments"]
        assert len(comments) == 2
        assert comments[1]["body"] == f"{PLAN_MARKER}\n{text}"
    assert "plan org/ --format markdown --detailed-exitcode" in actions.vcorg_log.read_text()


def test_a_failed_plan_fails_the_job(pr) -> None:
    actions, steps = pr
    rc, outputs, _ = actions.run(steps["Plan"], report="", rc=1)
    assert rc == 1 and outputs == {}


# -- the nightly drift workflow ---------------------------------------------------------

DRIFT_CONTEXT = {
    "github.token": "ghs_test",
    "github.repository": "metro/org-config",
    "github.server_url": "https://github.com",
    "github.run_id": "42",
}


def _night(actions: Actions, steps: dict[str, dict[str, Any]], report: str, rc: int) -> int:
    check, outputs, err = actions.run(steps["Check for drift"], report=report, rc=rc)
    if check != 0:
        return check
    actions.context["steps.drift.outputs.drift"] = outputs["drift"]
    done, _, err = actions.run(steps["Keep one issue open while drift exists"])
    assert done == 0, err
    return done


def test_one_issue_stays_open_while_drift_exists_and_closes_when_it_is_gone(
    tmp_path: Path,
) -> None:
    actions = Actions(tmp_path, DRIFT_CONTEXT)
    steps = _steps("vcorg-drift.yml", "drift")
    # Someone else's issue with the same label is never touched.
    other = {
        "number": 1,
        "title": "Label test",
        "body": "unrelated",
        "labels": ["vcorg-drift"],
        "state": "open",
        "comments": [],
    }
    actions.github(issues=[other], next=2, labels=["vcorg-drift"])

    assert _night(actions, steps, "## vcorg drift: metro\n\n**Drift found: 1 changed**\n", 2) == 0
    issues = actions.seen()["issues"]
    assert len(issues) == 2
    opened = issues[1]
    assert opened["state"] == "open" and opened["labels"] == ["vcorg-drift"]
    assert opened["body"].startswith(f"{DRIFT_MARKER}\n## vcorg drift: metro\n\n**Drift found")
    assert "https://github.com/metro/org-config/actions/runs/42" in opened["body"]

    # The next night, still drift: the same issue, brought up to date.
    assert _night(actions, steps, "## vcorg drift: metro\n\n**Drift found: 2 changed**\n", 2) == 0
    issues = actions.seen()["issues"]
    assert [i["number"] for i in issues if i["state"] == "open"] == [1, 2]
    assert "2 changed" in issues[1]["body"]

    # Drift gone: closed, with a comment saying so.
    assert _night(actions, steps, "## vcorg drift: metro\n\n**No drift: ...**\n", 0) == 0
    issues = actions.seen()["issues"]
    assert issues[1]["state"] == "closed"
    assert "No drift any more" in issues[1]["comments"][-1]["body"]
    assert issues[0] == other

    # Still none: nothing is written.
    before = len(actions.gh_calls())
    assert _night(actions, steps, "**No drift**\n", 0) == 0
    assert [c[:2] for c in actions.gh_calls()[before:]] == [["issue", "list"]]

    # Drift again: a new issue (the old one stays closed).
    assert _night(actions, steps, "**Drift found: 1 unmanaged**\n", 2) == 0
    issues = actions.seen()["issues"]
    assert [(i["number"], i["state"]) for i in issues] == [(1, "open"), (2, "closed"), (3, "open")]
    assert (
        actions.vcorg_log.read_text().splitlines()[0]
        == "drift org/ --format markdown --out drift.md"
    )


def test_an_error_fails_the_check_and_leaves_the_issue_alone(tmp_path: Path) -> None:
    actions = Actions(tmp_path, DRIFT_CONTEXT)
    steps = _steps("vcorg-drift.yml", "drift")
    actions.github()
    assert _night(actions, steps, "", 1) == 1
    assert _night(actions, steps, "", 64) == 64
    assert actions.gh_calls() == []


def test_the_label_is_created_when_missing(tmp_path: Path) -> None:
    actions = Actions(tmp_path, DRIFT_CONTEXT)
    steps = _steps("vcorg-drift.yml", "drift")
    actions.github()
    assert _night(actions, steps, "**Drift found**\n", 2) == 0
    assert actions.seen()["labels"] == ["vcorg-drift"]
    assert actions.seen()["issues"][0]["labels"] == ["vcorg-drift"]
