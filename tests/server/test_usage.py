"""Calls from the video side, usage reports, and `vcplatform usage simulate`."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.support.platform import PlatformServer, unique_name
from vcplatform import models
from vcplatform.db import Database
from vcplatform.ids import new_id
from vcplatform.operator import create_org
from vcplatform.usage.simulate import simulate_org
from vcplatform.usage.stats import percentile

SYDNEY = "Australia/Sydney"


def call(scope_type: str, scope_id: str, start: str, minutes: float, wait: int, **extra: Any):
    """A call body; ``start`` is "HH:MM" UTC on 2026-11-02, or a full UTC timestamp."""
    began = datetime.fromisoformat(start if "T" in start else f"2026-11-02T{start}:00+00:00")
    return {
        "scopeType": scope_type,
        "scopeId": scope_id,
        "startedAt": began.isoformat(),
        "endedAt": (began + timedelta(minutes=minutes)).isoformat(),
        "waitSeconds": wait,
        "participants": extra.get("participants", 2),
    }


def make_unit(api: httpx.Client, tags: list[str] | None = None) -> dict[str, Any]:
    body = {"name": unique_name("Unit"), "reportingTags": tags or []}
    response = api.post("/units", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def make_area(api: httpx.Client, unit_id: str, tags: list[str] | None = None) -> dict[str, Any]:
    body = {"unitId": unit_id, "name": unique_name("Area"), "reportingTags": tags or []}
    response = api.post("/waiting-areas", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def record(api: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post("/calls", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([2, 4], 0.5) == 3
    assert percentile(list(range(1, 12)), 0.9) == 10
    assert percentile([10, 1, 5, 3], 0.5) == 4


def test_unit_report_statistics(storage_server: PlatformServer) -> None:
    """Counts, minutes, median and p90 wait and busiest hour, the same on both databases."""
    with storage_server.client() as api:
        unit = make_unit(api, ["acute"])
        area = make_area(api, unit["id"], ["triage"])
        room = api.post("/meeting-rooms", json={"unitId": unit["id"], "name": "Huddle"}).json()
        # Sydney is UTC+11 in November: 23:00 UTC on the 1st is 10:00 on the 2nd.
        for start, minutes, wait in (
            ("2026-11-01T23:00:00+00:00", 10, 60),
            ("2026-11-01T23:20:00+00:00", 20, 120),
            ("2026-11-02T10:40:00+11:00", 30, 600),
            ("2026-11-02T00:30:00+00:00", 40, 1200),
        ):
            record(api, call("waiting-area", area["id"], start, minutes, wait))
        record(api, call("meeting-room", room["id"], "03:00", 60, 0, participants=5))
        # Outside the range: 00:30 on the 4th in Sydney, and 23:59 on the 1st.
        record(api, call("waiting-area", area["id"], "2026-11-03T13:30:00+00:00", 5, 0))
        record(api, call("waiting-area", area["id"], "2026-11-01T23:59:00+11:00", 5, 0))
        response = api.get(
            f"/units/{unit['id']}/report",
            params={"from": "2026-11-02", "to": "2026-11-03", "timezone": SYDNEY},
        )
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["from"], report["to"], report["timezone"]) == (
        "2026-11-02",
        "2026-11-03",
        SYDNEY,
    )
    assert report["reportingTags"] == ["acute"]
    assert report["usage"] == {
        "calls": 5,
        "totalMinutes": 160.0,
        "medianMinutes": 30.0,
        "medianWaitMinutes": 2.0,
        "p90WaitMinutes": 16.0,
        "busiestHour": 10,
    }
    (area_row,) = report["waitingAreas"]
    assert area_row["id"] == area["id"]
    assert area_row["reportingTags"] == ["triage"]
    assert area_row["usage"] == {
        "calls": 4,
        "totalMinutes": 100.0,
        "medianMinutes": 25.0,
        "medianWaitMinutes": 6.0,
        "p90WaitMinutes": 17.0,
        "busiestHour": 10,
    }
    (room_row,) = report["meetingRooms"]
    assert room_row["usage"]["calls"] == 1
    assert room_row["usage"]["busiestHour"] == 14


def test_organisation_report_by_unit_and_tag(shared_server: PlatformServer) -> None:
    with shared_server.client() as api:
        onc = make_unit(api, ["oncology"])
        dent = make_unit(api)
        chemo = make_area(api, onc["id"], ["day-unit"])
        clinic = make_area(api, dent["id"])
        record(api, call("waiting-area", chemo["id"], "01:00", 30, 60))
        record(api, call("waiting-area", clinic["id"], "02:00", 10, 0))
        record(api, call("waiting-area", clinic["id"], "02:30", 20, 0))
        response = api.get(
            "/report",
            params=[
                ("from", "2026-11-02"),
                ("to", "2026-11-02"),
                ("unitId", onc["id"]),
                ("unitId", dent["id"]),
            ],
        )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["organisation"] == "acme"
    assert report["complete"] is True
    assert report["usage"]["calls"] == 3
    by_unit = {u["id"]: u["usage"]["calls"] for u in report["units"]}
    assert by_unit == {onc["id"]: 1, dent["id"]: 2}
    by_tag = {t["tag"]: t["usage"]["totalMinutes"] for t in report["tags"]}
    # The chemo call counts under its unit's tag and its area's tag; the rest is untagged.
    assert by_tag == {"day-unit": 30.0, "oncology": 30.0, None: 30.0}
    assert report["tags"][-1]["tag"] is None


def test_calls_stay_with_the_unit_they_happened_in(shared_server: PlatformServer) -> None:
    with shared_server.client() as api:
        old, new = make_unit(api), make_unit(api)
        area = make_area(api, old["id"])
        recorded = record(api, call("waiting-area", area["id"], "09:00", 15, 30))
        assert recorded["unitId"] == old["id"]
        assert recorded["kind"] == "consultation"
        api.patch(f"/waiting-areas/{area['id']}", json={"unitId": new["id"]}).raise_for_status()
        params = {"from": "2026-11-02", "to": "2026-11-02"}
        old_report = api.get(f"/units/{old['id']}/report", params=params).json()
        new_report = api.get(f"/units/{new['id']}/report", params=params).json()
        assert old_report["usage"]["calls"] == 1
        assert [a["name"] for a in old_report["waitingAreas"]] == [area["name"]]
        assert new_report["usage"]["calls"] == 0
        assert new_report["waitingAreas"][0]["usage"]["medianMinutes"] is None
        api.delete(f"/waiting-areas/{area['id']}").raise_for_status()
        gone = api.get(f"/units/{old['id']}/report", params=params).json()
        assert [a["name"] for a in gone["waitingAreas"]] == ["(deleted)"]


@pytest.mark.parametrize(
    ("body_change", "field"),
    [
        ({"startedAt": "2026-11-02T09:00:00"}, "startedAt"),
        ({"endedAt": "2026-11-02T08:00:00Z"}, "endedAt"),
        ({"endedAt": "2026-11-04T09:00:00Z"}, "endedAt"),
        ({"startedAt": "1999-12-31T09:00:00Z"}, "startedAt"),
        ({"scopeId": "wa_missing"}, "scopeId"),
        ({"waitSeconds": -1}, "waitSeconds"),
        ({"participants": 7, "scopeType": "meeting-room"}, "participants"),
    ],
)
def test_record_call_refuses_bad_calls(
    shared_server: PlatformServer, body_change: dict[str, Any], field: str
) -> None:
    with shared_server.client() as api:
        unit = make_unit(api)
        area = make_area(api, unit["id"])
        room = api.post("/meeting-rooms", json={"unitId": unit["id"], "name": "R"}).json()
        body = call("waiting-area", area["id"], "09:00", 10, 0) | body_change
        if body["scopeType"] == "meeting-room":
            body["scopeId"] = room["id"]
        response = api.post("/calls", json=body)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"from": "2026-11-05", "to": "2026-11-01"}, "from"),
        ({"from": "0001-01-01"}, "from"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),
        ({"to": "not-a-date"}, "to"),
    ],
)
def test_report_range_is_checked(
    shared_server: PlatformServer, params: dict[str, str], field: str
) -> None:
    with shared_server.client() as api:
        response = api.get("/report", params=params)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]


def _seeded_org(directory: Path) -> Database:
    """An organisation with two units, areas and a room, written straight to the database."""
    directory.mkdir(parents=True, exist_ok=True)
    db = Database(str(directory / "p.db"))
    db.migrate()
    org, _ = create_org(db, "sim", "Sim Health")
    with db.writing() as session:
        for unit_name, area_type in (("Emergency", "consult-now"), ("Dentistry", "regular")):
            unit = models.Unit(id=new_id("unit"), org_id=org.id, name=unit_name, reporting_tags=[])
            session.add(unit)
            session.flush()
            area = models.WaitingArea(
                id=new_id("wa"),
                org_id=org.id,
                unit_id=unit.id,
                name=f"{unit_name} Clinic",
                type=area_type,
                access_hours={
                    "timezone": SYDNEY,
                    "open": [
                        {
                            "days": ["mon", "tue", "wed", "thu", "fri"],
                            "from": "08:00",
                            "to": "17:00",
                        }
                    ],
                },
                caller_details=[],
                reporting_tags=[],
                link=f"https://x/{new_id('l')}",
            )
            session.add(area)
            session.add(
                models.MeetingRoom(
                    id=new_id("room"),
                    org_id=org.id,
                    unit_id=unit.id,
                    name="Huddle",
                    max_participants=4,
                    link=f"https://x/{new_id('l')}",
                )
            )
    return db


def _calls(db: Database) -> list[tuple[Any, ...]]:
    with db.reading() as session:
        rows = session.execute(
            select(
                models.Call.scope_type,
                models.Call.started_at,
                models.Call.ended_at,
                models.Call.wait_seconds,
                models.Call.participants,
            )
        ).all()
    return sorted(tuple(r) for r in rows)


def test_simulation_is_deterministic_per_seed(tmp_path: Path) -> None:
    one, two, other = (_seeded_org(tmp_path / name) for name in ("a", "b", "c"))
    until = date(2026, 11, 27)
    first = simulate_org(one, "sim", days=14, seed=1, last=until)
    assert first.to_dict() == {
        "from": "2026-11-14",
        "to": "2026-11-27",
        "calls": first.calls,
        "inserted": first.calls,
    }
    assert simulate_org(one, "sim", days=14, seed=1, last=until).inserted == 0
    simulate_org(two, "sim", days=14, seed=1, last=until)
    simulate_org(other, "sim", days=14, seed=2, last=until)
    calls = _calls(one)
    assert calls == _calls(two)
    assert calls != _calls(other)
    consultations = [c for c in calls if c[0] == "waiting-area"]
    meetings = [c for c in calls if c[0] == "meeting-room"]
    assert len(consultations) > 50 and meetings
    # Inside access hours (08:00–17:00 Sydney = 21:00–06:00 UTC in November), weekdays only.
    assert all(c[1].hour >= 21 or c[1].hour < 6 for c in consultations)
    assert all(2 <= c[4] <= 4 for c in meetings)
    for db in (one, two, other):
        db.dispose()


def test_usage_simulate_command(shared_server: PlatformServer) -> None:
    with shared_server.client() as api:
        unit = make_unit(api)
        make_area(api, unit["id"])
    out = shared_server.cli(
        "usage", "simulate", "--org", "acme", "--days", "7", "--seed", "3", "--until", "2026-11-27"
    )
    result = json.loads(out)
    assert result["from"] == "2026-11-21" and result["to"] == "2026-11-27"
    assert result["calls"] == result["inserted"] > 0
    again = json.loads(
        shared_server.cli(
            "usage",
            "simulate",
            "--org",
            "acme",
            "--days",
            "7",
            "--seed",
            "3",
            "--until",
            "2026-11-27",
        )
    )
    assert again["inserted"] == 0
    days = {"from": "2026-11-21", "to": "2026-11-27"}
    with shared_server.client() as api:
        # Every area of the module's organisation got calls; the new one among them.
        assert api.get("/report", params=days).json()["usage"]["calls"] == result["calls"]
        report = api.get(f"/units/{unit['id']}/report", params=days).json()
    assert report["usage"]["calls"] > 0
