"""The export from a platform snapshot to files, without a platform: keys, defaults,
people, and what the configuration cannot express."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from vcorg.client.snapshot import OrgSnapshot
from vcorg.config import load_config
from vcorg.export import Provenance, Staging, build_tree, stage_export
from vcorg.export.tree import UnknownUnits

_ids = itertools.count(1)
WEEKDAYS = [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"}]


def _common(prefix: str) -> dict[str, Any]:
    n = next(_ids)
    return {
        "id": f"{prefix}_{n:04d}",
        "createdAt": f"2026-01-01T00:00:{n:02d}Z",
        "updatedAt": "2026-01-01T00:00:00Z",
        "version": 1,
    }


def unit(name: str, **extra: Any) -> dict[str, Any]:
    return {**_common("unit"), "name": name, "description": "", "reportingTags": [], **extra}


def area(unit_id: str, name: str, tz: str = "Europe/London", **extra: Any) -> dict[str, Any]:
    return {
        **_common("wa"),
        "unitId": unit_id,
        "name": name,
        "description": "",
        "type": "regular",
        "accessHours": {"timezone": tz, "open": WEEKDAYS},
        "callerDetails": [],
        "informationForCallers": "",
        "suspended": False,
        "suspendedMessageForCallers": "",
        "suspendedMessageForStaff": "",
        "reportingTags": [],
        "link": "https://video.example/wait/abc",
        **extra,
    }


def room(unit_id: str, name: str, area_id: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        **_common("room"),
        "unitId": unit_id,
        "name": name,
        "description": "",
        "maxParticipants": 6,
        "waitingAreaId": area_id,
        "link": "https://video.example/room/x",
        **extra,
    }


def grant(scope: dict[str, Any], kind: str, role: str, email: str, state: str = "active"):
    return {
        **_common("grant"),
        "scopeType": kind,
        "scopeId": scope["id"],
        "role": role,
        "email": email,
        "state": state,
    }


PROVENANCE = Provenance(
    "metro-health", "Metro Health", "http://platform", "2026-11-30T00:00:00Z", "ops@x"
)


def export(snapshot: OrgSnapshot, out: Path, **kwargs: Any):
    tree = build_tree(snapshot, **kwargs)
    with Staging(out, force=False) as staging:
        files = stage_export(tree, PROVENANCE, staging)
        staging.commit()
    return tree, files


def test_what_a_person_would_write(tmp_path: Path) -> None:
    cardio = unit("Cardiología", reportingTags=["medicine"])
    kids = unit("Children's Services")
    clinic = area(
        cardio["id"],
        "General Clinic",
        type="consult-now",
        callerDetails=[{"key": "dob", "label": "Date of birth", "type": "date", "required": False}],
    )
    other = area(kids["id"], "General Clinic", tz="Australia/Perth")
    third = area(kids["id"], "Triage")
    rooms = [
        room(cardio["id"], "Case Review", clinic["id"], maxParticipants=4),
        room(kids["id"], "Huddle"),
    ]
    grants = [
        grant(cardio, "unit", "organisation-administrator", "b@x.example"),
        grant(cardio, "unit", "organisation-administrator", "a@x.example", "pending"),
        grant(kids, "unit", "organisation-administrator", "c@x.example"),
        grant(clinic, "waiting-area", "service-provider", "d@x.example", "expired"),
    ]
    snapshot = OrgSnapshot(
        "metro-health", (cardio, kids), (clinic, other, third), tuple(rooms), tuple(grants)
    )
    tree, files = export(snapshot, tmp_path / "org.yaml")
    assert not tree.losses
    text = files[""]
    assert text.startswith(
        "# yaml-language-server: $schema=https://vcorg.dev/schemas/org.schema.json\n"
    )
    assert "from organisation metro-health (Metro Health)" in text
    assert "on the platform http://platform, at 2026-11-30T00:00:00Z" in text
    assert "    - d@x.example  # invitation expired: the next apply re-sends it\n" in text
    # Defaults are left out; the most common time zone is the default.
    for default in (
        "type: regular",
        "maxParticipants: 6",
        "required: false",
        "description:",
        "09:00",
    ):
        assert default not in text
    config = load_config([tmp_path / "org.yaml"])
    assert config.defaults.timezone == "Europe/London"
    assert list(config.units) == ["cardiologia", "childrens-services"]  # by name
    assert config.units["cardiologia"].roles.organisation_administrators == [
        "a@x.example",
        "b@x.example",
    ]
    kids_areas = config.units["childrens-services"].waiting_areas
    assert list(kids_areas) == ["childrens-services-general-clinic", "triage"]
    assert (
        kids_areas["childrens-services-general-clinic"].access_hours.timezone == "Australia/Perth"
    )
    assert config.units["cardiologia"].meeting_rooms["case-review"].waiting_area == "general-clinic"
    assert config.units["cardiologia"].waiting_areas["general-clinic"].type == "consult-now"


def test_unit_selection_keeps_the_keys_of_the_whole_organisation(tmp_path: Path) -> None:
    a, b = unit("Alpha"), unit("Beta")
    areas = (area(a["id"], "Clinic"), area(b["id"], "Clinic"))
    grants = (grant(b, "unit", "organisation-administrator", "b@x.example"),)
    snapshot = OrgSnapshot("metro-health", (a, b), areas, (), grants)
    tree, _ = export(snapshot, tmp_path / "out", unit_keys=["beta"])
    assert list(tree.units) == ["beta"] and list(tree.areas) == ["beta-clinic"]
    assert (tmp_path / "out" / "org.yaml").is_file()
    assert load_config([tmp_path / "out" / "units" / "beta.yaml"]).units["beta"].name == "Beta"
    with pytest.raises(UnknownUnits) as info:
        build_tree(snapshot, unit_keys=["bta"])
    assert info.value.known == ("alpha", "beta")


def test_what_cannot_be_expressed_is_named_and_left_out(tmp_path: Path) -> None:
    ok = unit("Housing")
    orphan = unit("Orphanage")  # no organisation administrator
    overlapping = area(
        ok["id"],
        "Drop-in",
        accessHours={
            "timezone": "Europe/London",
            "open": [
                {"days": ["mon"], "from": "09:00", "to": "12:00"},
                {"days": ["mon"], "from": "11:00", "to": "13:00"},
            ],
        },
    )
    owned = room(ok["id"], "Drop-in Huddle", overlapping["id"])
    # A platform field the config language has no word for (maxQueueLength once was one).
    future = area(ok["id"], "Advice", waitingMusic="jazz")
    orphan_area = area(orphan["id"], "Lost")
    long_email = "x" * 250 + "@x.example"
    grants = (
        grant(ok, "unit", "organisation-administrator", "a@x.example"),
        grant(future, "waiting-area", "service-provider", long_email),
        grant(future, "waiting-area", "service-administrator", "a@x.example"),
    )
    snapshot = OrgSnapshot(
        "metro-health", (ok, orphan), (overlapping, future, orphan_area), (owned,), grants
    )
    tree, files = export(snapshot, tmp_path / "org.yaml")
    lost = [str(loss) for loss in tree.losses]
    by_subject = {loss.subject.split(" (key")[0]: loss for loss in tree.losses}
    assert set(by_subject) == {
        'waiting area "Advice" in unit "Housing"',
        'unit "Orphanage"',
        'waiting area "Lost" in unit "Orphanage"',
        'waiting area "Drop-in" in unit "Housing"',
        'meeting room "Drop-in Huddle" in unit "Housing"',
    }, lost
    assert any('waitingMusic = "jazz"' in line and "leaves it as it is" in line for line in lost)
    assert any("organisation administrator" in line for line in lost if "Orphanage" in line)
    assert any("accessHours.open" in line for line in lost if '"Drop-in"' in line)
    config = load_config([tmp_path / "org.yaml"])
    advice = config.units["housing"].waiting_areas["advice"]
    # The inexpressible role is not managed at all (rather than managed without someone).
    assert "service_providers" not in advice.roles.model_fields_set
    assert advice.roles.service_administrators == ["a@x.example"]
    assert list(config.units) == ["housing"]
    assert list(config.units["housing"].waiting_areas) == ["advice"]
    assert "maxQueueLength" not in files[""]
    assert any(
        "roles.serviceProviders" in line and "will not manage who holds it" in line for line in lost
    ), lost
