"""`DriftReport` without a network: what drifted, who did it, what is unmanaged, and how
each rendering says it (the JSON against its committed schema)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.drift.drift_scenario import (
    AREA,
    CLINIC_LEAD,
    PROVIDERS,
    REPORTERS,
    ROOM,
    STATE,
    RecordedState,
    reads,
    report,
    snapshot,
)
from vcorg.drift import render_json, render_markdown, render_text
from vcorg.drift.audit import AuditWindow, Found
from vcorg.plan.changes import DriftStatus, MemberDriftAction

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "drift.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _by_urn(r):
    return {d.urn: d for d in r.drift}


def test_each_kind_of_drift_is_found(tmp_path: Path) -> None:
    r = report(tmp_path)
    drift = _by_urn(r)
    area = drift[AREA.urn]
    assert [(p.path, p.old, p.new, p.console_owned) for p in area.properties] == [
        ("name", "Heart Clinic", "Heart Clinic (old wing)", False),
        ("suspended", False, True, True),
    ]
    assert drift[ROOM.urn].status is DriftStatus.DELETED
    assert [(m.action, m.email) for m in drift[PROVIDERS.urn].members] == [
        (MemberDriftAction.REMOVED, "dr.b@metro-health.example"),
        (MemberDriftAction.ADDED, "locum@metro-health.example"),
    ]
    assert [(m.action, m.email) for m in drift[REPORTERS.urn].members] == [
        (MemberDriftAction.EXPIRED, "rep@metro-health.example")
    ]
    # The unit and its administrators did not change.
    assert len(r.drift) == 4
    c = r.counts
    assert (c.changed, c.deleted, c.people_added, c.people_removed) == (1, 1, 1, 1)
    assert (c.invitations_expired, c.console_owned, c.unmanaged, c.ignored) == (1, 1, 2, 1)
    assert r.has_drift


def test_each_change_says_who_made_it(tmp_path: Path) -> None:
    r = report(tmp_path)
    drift = _by_urn(r)
    area = drift[AREA.urn]
    name, suspended = (r.attribution(area, p) for p in area.properties)
    assert (name.status, name.actor, name.action) == (
        Found.FOUND,
        CLINIC_LEAD,
        "waiting-area.update",
    )
    # The newest event that changed that field: another person suspended the area.
    assert suspended.actor == "nurse@metro-health.example"
    assert r.attribution(drift[ROOM.urn], None).action == "meeting-room.delete"
    removed, added = (r.attribution(drift[PROVIDERS.urn], m) for m in drift[PROVIDERS.urn].members)
    assert (removed.actor, removed.action) == (CLINIC_LEAD, "grant.delete")
    assert (added.actor, added.action) == (CLINIC_LEAD, "grant.create")
    [expired] = drift[REPORTERS.urn].members
    on_its_own = r.attribution(drift[REPORTERS.urn], expired)
    assert on_its_own.status is Found.PLATFORM
    assert "expired on its own" in on_its_own.text()
    sandbox = r.attributions[("unmanaged", "unit_2")]
    assert (sandbox.actor, sandbox.action) == (CLINIC_LEAD, "unit.create")
    # A grant on the sandbox unit was made before the log that was read.
    assert r.attributions[("unmanaged", "g_x")].status is Found.NOT_FOUND
    text = render_text(r)
    assert f"by {CLINIC_LEAD} at 2026-11-29 08:01:00 UTC (waiting-area.update)" in text


def test_without_audit_access_every_item_says_why(tmp_path: Path) -> None:
    reason = "the token's account (x@y.example) may not read the audit log"
    window = AuditWindow(available=False, reason=reason)
    r = report(tmp_path, window=window, events=[])
    items = [(d, p) for d in r.drift for p in (*d.properties, *d.members)]
    items += [(d, None) for d in r.drift if d.status is DriftStatus.DELETED]
    assert items
    for d, item in items:
        found = r.attribution(d, item)
        assert found is not None and found.status is Found.UNAVAILABLE, (d.urn, item)
        assert found.text() == f"attribution unavailable: {reason}"
    text = render_text(r)
    drift_lines = [ln for ln in text.splitlines() if ln.startswith("      ")]
    assert drift_lines and all("attribution unavailable: " + reason in ln for ln in drift_lines)
    data = json.loads(render_json(r))
    VALIDATOR.validate(data)
    assert data["attribution"] == {
        "available": False,
        "since": None,
        "events": 0,
        "requests": 0,
        "complete": True,
        "reason": reason,
    }


def test_unmanaged_objects_coverage_and_the_ignore_list(tmp_path: Path) -> None:
    r = report(tmp_path)
    found = {(u.kind, u.name): u for u in r.unmanaged}
    assert set(found) == {
        ("unit", "Sandbox"),
        ("unit", "Training A"),
        ("grant", CLINIC_LEAD),
    }
    assert found[("unit", "Training A")].ignored.reason == "onboarding sandboxes"
    assert found[("grant", CLINIC_LEAD)].scope_name == "Sandbox"
    coverage = {c.kind: (c.managed, c.unmanaged, c.ignored, c.total) for c in r.coverage}
    assert coverage == {
        "unit": (1, 1, 1, 3),
        "waiting-area": (1, 0, 0, 1),
        "meeting-room": (0, 0, 0, 0),
        # The locum added in the console is on a managed role: drift, not unmanaged.
        "grant": (4, 1, 0, 5),
    }
    text = render_text(r)
    assert "Coverage (managed ÷ all on the platform): 1 of 3 units (33.3%)" in text
    assert 'ignored by drift.ignoreUnmanaged "Training *": onboarding sandboxes' in text


def test_console_owned_changes_and_ignored_objects_are_not_drift(tmp_path: Path) -> None:
    snap = snapshot()
    del snap.units["unit_2"]
    snap.grants.pop("g_x")
    snap.waiting_areas["wa_1"] = {**snap.waiting_areas["wa_1"], "name": "Heart Clinic"}
    results = {urn: out for urn, out in reads(snap).items()}
    results.update({ROOM.urn: ROOM.outputs, PROVIDERS.urn: PROVIDERS.outputs})
    results[REPORTERS.urn] = REPORTERS.outputs
    snap.meeting_rooms["room_1"] = {**ROOM.outputs, "id": "room_1"}
    r = report(tmp_path, snap=snap, results=results)
    [d] = r.drift
    assert d.console_owned_only
    assert r.counts.ignored == 1
    assert not r.has_drift
    text = render_text(r)
    assert text.startswith("No drift: ")
    assert "console-owned" in text
    VALIDATOR.validate(json.loads(render_json(r)))


def test_an_empty_state_manages_nothing(tmp_path: Path) -> None:
    r = report(tmp_path, state=RecordedState(exists=False), results={})
    assert r.drift == () and r.managed == 0
    assert {u.name for u in r.unmanaged if u.kind == "unit"} == {
        "Cardiology",
        "Sandbox",
        "Training A",
    }
    # The configuration declares Cardiology: apply --adopt would take it over.
    cardiology = next(u for u in r.unmanaged if u.name == "Cardiology")
    assert cardiology.config_key == "cardiology"
    assert r.has_drift
    assert "vcorg manages nothing here yet" in render_text(r)
    VALIDATOR.validate(json.loads(render_json(r)))


def test_json_follows_the_schema_and_says_who(tmp_path: Path) -> None:
    data = json.loads(render_json(report(tmp_path)))
    VALIDATOR.validate(data)
    assert data["hasDrift"] is True
    assert data["summary"]["consoleOwnedChanges"] == 1
    [area] = [d for d in data["drift"] if d["type"] == "WaitingArea"]
    assert area["properties"][0]["changedBy"]["actor"] == CLINIC_LEAD
    assert area["properties"][1]["consoleOwned"] is True
    [room] = [d for d in data["drift"] if d["status"] == "deleted"]
    assert room["changedBy"]["action"] == "meeting-room.delete"


def test_markdown_fits_an_issue_with_the_summary_first_and_the_cut_stated(
    tmp_path: Path,
) -> None:
    snap = snapshot()
    for i in range(3000):
        snap.units[f"unit_x{i:04}"] = {"id": f"unit_x{i:04}", "name": f"Console unit {i:04}"}
    results = reads(snap)
    area = results[AREA.urn]
    assert area is not None
    # A long list of drifted properties: every tag of the area changed in the console.
    results[AREA.urn] = {**area, "reportingTags": [f"tag-{i:04}" for i in range(2000)]}
    state = RecordedState(
        exists=True,
        resources=tuple(
            r
            if r.urn != AREA.urn
            else type(r)(
                r.urn,
                r.type_name,
                r.name,
                r.id,
                {**r.inputs, "reportingTags": []},
                {**r.outputs, "reportingTags": []},
            )
            for r in STATE.resources
        ),
        last_update=STATE.last_update,
    )
    r = report(tmp_path, snap=snap, results=results, state=state)
    md = render_markdown(r)
    assert len(md) <= 65_000
    assert md.startswith("## vcorg drift: metro-health\n\n**Drift found: ")
    assert "| **all** |" in md
    assert "Detail truncated" in md or "List truncated" in md
    assert "List truncated" in md and "3,002 unmanaged objects" in md
    small = render_markdown(r, limit=5_000)
    assert len(small) <= 5_000 and "**Drift found: " in small
