"""`vcorg drift` end to end: the real engine applies, a clinic lead edits in the console
with their own token, drift says who changed what, apply reverts it, and the nightly
check is quiet again once the console-only unit is ignored (or deleted).

One organisation is applied per scenario and shared by its stages, to keep CI time low.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from tests.cli.conftest import ADMIN, EXAMPLES, ORG, Vcorg, unit, write_config
from tests.support.console import iter_objects
from tests.support.platform import PlatformServer

pytestmark = pytest.mark.e2e

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "drift.schema.json").read_text())
PLAN_SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "plan.schema.json").read_text())
LEAD = "clinic.lead@metro-health.example"


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlatformServer]:
    directory = tmp_path_factory.mktemp("drift-platform")
    with PlatformServer(directory, org=ORG, org_name="Metro Health", admin_email=ADMIN) as server:
        yield server


def _find(http: httpx.Client, collection: str, **match: Any) -> dict[str, Any]:
    return next(
        o for o in iter_objects(http, collection) if all(o.get(k) == v for k, v in match.items())
    )


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 300, response.text
    return response.json() if response.content else {}


def _console_session(platform: PlatformServer) -> dict[str, str]:
    """The clinic lead's edits, made with their own token; returns the ids it touched."""
    token = platform.create_token(LEAD)
    with platform.client(token) as http:
        chemo = _find(http, "waiting-areas", name="Chemotherapy Day Unit")
        general = _find(http, "waiting-areas", name="General Medicine Clinic")
        oncology = _find(http, "waiting-areas", name="Oncology Outpatients")
        room = _find(http, "meeting-rooms", name="Case Review")
        grace = _find(http, "grants", email="rn.grace.obrien@metro-health.example")
        # A rename, a settings change, a person removed and one added, a room deleted,
        # a unit no configuration declares, and a field the console owns.
        _ok(http.patch(f"waiting-areas/{chemo['id']}", json={"name": "Chemo Day Unit"}))
        _ok(
            http.patch(
                f"waiting-areas/{general['id']}",
                json={"informationForCallers": "Closed for the holidays."},
            )
        )
        _ok(http.delete(f"grants/{grace['id']}"))
        locum = {
            "scopeType": "waiting-area",
            "scopeId": general["id"],
            "role": "service-provider",
            "email": "locum@metro-health.example",
        }
        _ok(http.post("grants", json=locum))
        _ok(http.delete(f"meeting-rooms/{room['id']}"))
        sandbox = _ok(http.post("units", json={"name": "Sandbox"}))
        _ok(http.patch(f"waiting-areas/{oncology['id']}", json={"suspended": True}))
    return {"sandbox": sandbox["id"], "oncology": oncology["id"], "chemo": chemo["id"]}


def test_console_changes_are_reported_with_who_made_them_then_reverted(
    platform: PlatformServer, tmp_path: Path
) -> None:
    vcorg = Vcorg(platform, tmp_path / "work")
    config = tmp_path / "hospital"
    shutil.copytree(EXAMPLES / "hospital", config)
    org = config / "org.yaml"
    # The clinics may suspend their own waiting areas.
    org.write_text(
        org.read_text().replace(
            "defaults:\n  timezone: Australia/Sydney\n",
            "defaults:\n  timezone: Australia/Sydney\n"
            "  consoleOwned:\n    waitingAreas: [suspended]\n",
        )
    )
    assert vcorg("apply", config, "--yes").returncode == 0

    ids = _console_session(platform)
    # An invitation nobody answered expires (the operator's shortcut for 30 days).
    assert platform.expire_invitations("data.team@metro-health.example") == 1

    found = vcorg("drift", config)
    assert found.returncode == 2, found
    text = found.stdout
    assert text.startswith("Drift found: ")
    lines = text.splitlines()

    def line(*words: str) -> str:
        return next(ln for ln in lines if all(w in ln for w in words))

    by_lead = f"by {LEAD} at "
    assert by_lead in line('name: "Chemotherapy Day Unit" → "Chemo Day Unit"')
    assert "(waiting-area.update)" in line("informationForCallers:", "Closed for the holidays")
    assert by_lead in line("rn.grace.obrien@", "removed as service provider")
    assert by_lead in line("locum@metro-health.example added as service provider")
    assert "(meeting-room.delete)" in line('meeting room "Case Review"', "deleted outside vcorg")
    assert "(unit.create)" in line('unit "Sandbox"')
    toggle = line("suspended: false → true")
    assert "console-owned" in toggle and by_lead in toggle
    assert "(grant.expire)" in line("the invitation of data.team@metro-health.example")
    assert "Coverage (managed ÷ all on the platform): 4 of 5 units (80%)" in text

    as_json = vcorg("drift", config, "--format", "json")
    assert as_json.returncode == 2
    data = json.loads(as_json.stdout)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    actors = [
        item["changedBy"]["actor"]
        for d in data["drift"]
        for item in [*d["properties"], *d["members"], d]
        if item.get("changedBy")
    ]
    # Everything by the clinic lead, but the expiry (the platform operator's shortcut).
    assert set(actors) == {LEAD, "operator"} and actors.count("operator") == 1
    [oncology] = [d for d in data["drift"] if d["key"] == "oncology-clinic"]
    assert oncology["consoleOwnedOnly"] is True  # shown, but not counted as drift
    assert data["summary"]["consoleOwnedChanges"] == 1
    assert data["summary"]["unmanaged"] == 1

    markdown = vcorg("drift", config, "--format", "markdown", "--out", tmp_path / "issue.md")
    assert markdown.returncode == 2 and markdown.stdout == ""
    body = (tmp_path / "issue.md").read_text()
    assert body.startswith("## vcorg drift: metro-health\n\n**Drift found: ") and len(body) < 65_000

    # A plan keeps drift apart from what apply will do, and names what reverts it.
    planned = vcorg("plan", config, "--format", "json")
    plan = json.loads(planned.stdout)
    jsonschema.Draft202012Validator(PLAN_SCHEMA).validate(plan)
    assert {d["key"] for d in plan["resourceDrift"]} >= {
        "chemo-day-unit",
        "general-clinic",
        "case-review",
        "chemo-day-unit.service-provider",
    }
    reverting = {r["key"] for u in plan["units"] for r in u["resources"] if r["revertsDrift"]}
    assert "chemo-day-unit" in reverting and "case-review" in reverting
    assert "oncology-clinic" not in reverting  # the console owns `suspended`
    # No noise: `adopt` (how vcorg takes objects over) is never a property change.
    paths = [p["path"] for u in plan["units"] for r in u["resources"] for p in r["properties"]]
    assert "adopt" not in paths

    applied = vcorg("apply", config, "--refresh", "--yes")
    assert applied.returncode == 0, applied
    with platform.client() as http:
        assert _find(http, "waiting-areas", id=ids["chemo"])["name"] == "Chemotherapy Day Unit"
        assert _find(http, "waiting-areas", id=ids["oncology"])["suspended"] is True
        assert _find(http, "meeting-rooms", name="Case Review")
        grants = {g["email"]: g["state"] for g in iter_objects(http, "grants")}
        assert grants["data.team@metro-health.example"] == "pending"  # re-sent
        assert "locum@metro-health.example" not in grants

    sandbox_only = vcorg("drift", config)
    assert sandbox_only.returncode == 2, sandbox_only
    assert "0 changed, 0 deleted, 0 people added, 0 removed" in sandbox_only.stdout

    # Ignored: known, listed, and no longer drift. And the console owns `suspended`:
    # changing it again is reported, never drift.
    org.write_text(
        org.read_text()
        + "drift:\n  ignoreUnmanaged:\n    - {kind: unit, name: Sandbox, reason: training}\n"
    )
    with platform.client(platform.create_token(LEAD)) as http:
        _ok(http.patch(f"waiting-areas/{ids['oncology']}", json={"suspended": False}))
    quiet = vcorg("drift", config)
    assert quiet.returncode == 0, quiet
    assert quiet.stdout.startswith("No drift: ")
    assert 'ignored by drift.ignoreUnmanaged "Sandbox": training' in quiet.stdout
    assert "1 console-owned change (not drift)" in quiet.stdout


def test_drift_against_an_empty_state(tmp_path: Path) -> None:
    with PlatformServer(
        tmp_path / "platform", org=ORG, org_name="Metro Health", admin_email=ADMIN
    ) as platform:
        vcorg = Vcorg(platform, tmp_path / "work")
        config = write_config(
            tmp_path / "org.yaml", {"housing": unit("Housing", ["lead@metro-health.example"])}
        )
        empty = vcorg("drift", config)
        assert empty.returncode == 0, empty
        assert "vcorg manages nothing here yet" in empty.stdout
        # Reading created no stack: the state backend is as empty as before.
        assert not any((vcorg.workdir / "state").rglob("*.json"))

        with platform.client() as http:
            _ok(http.post("units", json={"name": "Housing"}))
        made = vcorg("drift", config, "--format", "json")
        assert made.returncode == 2, made
        data = json.loads(made.stdout)
        jsonschema.Draft202012Validator(SCHEMA).validate(data)
        [housing] = data["unmanaged"]
        assert housing["configKey"] == "housing"
        assert housing["createdBy"]["status"] == "unavailable"
        assert data["coverage"][0] == {
            "kind": "unit",
            "managed": 0,
            "unmanaged": 1,
            "ignored": 0,
            "total": 1,
            "percent": 0.0,
        }


def test_a_token_without_audit_access_says_why_for_each_item(tmp_path: Path) -> None:
    with PlatformServer(
        tmp_path / "platform", org=ORG, org_name="Metro Health", admin_email=ADMIN
    ) as platform:
        vcorg = Vcorg(platform, tmp_path / "work")
        admin = "unit.admin@metro-health.example"
        reporter = "reporter@metro-health.example"
        housing = unit("Housing", [admin], waitingAreas={"intake": {"name": "Intake"}})
        housing["roles"]["organisationReporters"] = [reporter]
        benefits = unit("Benefits", ["other.admin@metro-health.example"])
        config = write_config(tmp_path / "org.yaml", {"housing": housing, "benefits": benefits})
        assert vcorg("apply", config, "--yes").returncode == 0
        with platform.client() as http:
            housing = _find(http, "units", name="Housing")
            intake = _find(http, "waiting-areas", name="Intake")
            _ok(http.patch(f"waiting-areas/{intake['id']}", json={"name": "Front desk"}))
        # The unit's own administrator: sees the unit, may not read the audit log.
        token = platform.create_token(admin, "organisation-administrator", housing["id"])
        run = vcorg("drift", config, env={"VCORG_TOKEN": token})
        assert run.returncode == 2, run
        line = next(ln for ln in run.stdout.splitlines() if "name:" in ln)
        assert '"Intake" → "Front desk"' in line
        assert f"attribution unavailable: the token's account ({admin}) may not read" in line
        assert "only a system administrator can read the audit log" in line
        assert "Attribution unavailable: the token's account" in run.stdout
        # It sees one unit of two: the other is not checked, and not called deleted.
        assert "2 managed resources are not visible to this token" in run.stdout
        assert "0 deleted" in run.stdout and "0 unmanaged objects" in run.stdout

        # A plain apply reads the platform first: it reverts the rename and re-sends an
        # invitation that expired, as docs/plan.md says.
        assert platform.expire_invitations(reporter) == 1
        assert vcorg("apply", config, "--yes").returncode == 0
        [unit_] = [u for u in platform.dump()["units"] if u["name"] == "Housing"]
        assert [a["name"] for a in unit_["waitingAreas"]] == ["Intake"]
        states = {g["email"]: g["state"] for g in unit_["grants"]}
        assert states == {admin: "active", reporter: "pending"}
        assert vcorg("drift", config).returncode == 0
